using System.Globalization;
using NevGrains.Api.V1;

namespace NevGrains.Cli.Output;

/// <summary>
/// The one line `nev` prints on stderr when an answer's solver diagnostics say the equilibrium of some projected year did not
/// converge (so csv and json on stdout stay clean); nothing when every year converged.
/// </summary>
public static class ConvergenceWarning
{
    /// <summary>
    /// The warning for the runs behind one answer (a comparison's scenario and base: the years of both), or null when every
    /// year converged. Diagnostics without per-year entries (an older server) are judged by their count of years not converged.
    /// </summary>
    public static string? For(params SolverDiagnostics?[] runs)
    {
        var years = new SortedSet<int>();
        var residual = 0.0;
        var unnamed = 0;
        foreach (var run in runs)
        {
            if (run is null)
            {
                continue;
            }
            var failed = run.Years.Where(y => y.Exit is SolverExit.IterationLimit or SolverExit.Stalled).ToList();
            if (failed.Count > 0)
            {
                years.UnionWith(failed.Select(y => y.Year));
                residual = Math.Max(residual, failed.Max(y => y.Residual));
            }
            else if (run.YearsNotConverged > 0)
            {
                unnamed = Math.Max(unnamed, run.YearsNotConverged);
                residual = Math.Max(residual, run.MaxPriceResidual);
            }
        }
        if (years.Count == 0 && unnamed == 0)
        {
            return null;
        }
        var where = years.Count > 0
            ? string.Join(", ", years.Select(y => y.ToString(CultureInfo.InvariantCulture)))
            : unnamed == 1 ? "1 year" : $"{unnamed.ToString(CultureInfo.InvariantCulture)} years";
        return $"warning: the equilibrium did not converge in {where} (largest residual {residual.ToString("0.0e-00", CultureInfo.InvariantCulture)}); "
               + (years.Count == 1 || unnamed == 1 ? "figures for that year are approximate" : "figures for those years are approximate");
    }

    /// <summary>Writes the warning line to <paramref name="error"/> when some year did not converge.</summary>
    public static void Write(TextWriter error, params SolverDiagnostics?[] runs)
    {
        if (For(runs) is { } warning)
        {
            error.WriteLine(warning);
        }
    }
}
