using System.CommandLine;
using Google.Protobuf;
using NevGrains.Api.V1;
using NevGrains.Cli.Connection;
using NevGrains.Cli.Files;
using NevGrains.Cli.Output;
using NevGrains.Cli.Reports;
using NevGrains.Model.Data;
using Spectre.Console;

namespace NevGrains.Cli.Commands;

/// <summary>
/// <c>nev report FILE</c>: runs a scenario (against its base), a sensitivity, a Monte Carlo or a sweep file and writes its
/// charts as one self-contained HTML page (and PNGs with <c>--png</c>).
/// </summary>
public static class ReportCommands
{
    private const int DefaultMarkets = 6;

    public static Command Build(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("file") { Description = "A *.scenario.json, *.sensitivity.json, *.montecarlo.json or *.sweep.json file" };
        var folder = new Option<DirectoryInfo>("--out")
        {
            Description = "Folder for the report (default: reports/)",
            DefaultValueFactory = _ => new DirectoryInfo("reports"),
        };
        var png = new Option<bool>("--png") { Description = "Also write each chart as a PNG file" };
        var owner = new Option<string?>("--owner") { Description = "Scenario reports: the brand to chart (default: the first brand the scenario's levers name)" };
        var markets = new Option<string[]>("--market")
        {
            Description = "Scenario reports: the markets to chart (repeatable; default: the brand's largest markets)",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("report", "Charts of a scenario or experiment: share trajectories, units, a tornado, P10-P90 fans, a sweep")
        {
            file, folder, png, owner, markets,
        };
        command.SetAction((parse, cancellation) => Invocation.Run(parse, output, error, cancellation,
            () => Read(parse.GetValue(file)!.FullName),
            async (input, client, console, token) =>
            {
                var names = await Names(client, token);
                var report = new ScenarioReport(Title(input.Message, input.Path), names);
                switch (input.Message)
                {
                    case Scenario scenario:
                        await AddScenario(report, client, console, error, input.Path, scenario, parse.GetValue(owner), parse.GetValue(markets) ?? [], token);
                        break;
                    case RunSensitivityRequest sensitivity:
                        var tornado = await Invocation.FromFile(input.Path, "", () => client.Experiments.RunSensitivityAsync(sensitivity, cancellationToken: token).ResponseAsync);
                        report.AddTornado(tornado, sensitivity.Metric);
                        break;
                    case MonteCarloSpec monteCarlo:
                        var draws = await Invocation.FromFile(input.Path, "monteCarlo", () =>
                            client.Experiments.RunMonteCarloAsync(new RunMonteCarloRequest { MonteCarlo = monteCarlo }, cancellationToken: token).ResponseAsync);
                        report.AddFans(monteCarlo, draws);
                        break;
                    case SweepSpec sweep:
                        var points = await Invocation.FromFile(input.Path, "sweep", () =>
                            client.Experiments.RunSweepAsync(new RunSweepRequest { Sweep = sweep }, cancellationToken: token).ResponseAsync);
                        report.AddSweep(points, sweep);
                        break;
                }
                var target = parse.GetValue(folder)!.FullName;
                var stem = ReportStem(input.Path);
                var html = report.WriteHtml(Path.Combine(target, stem + ".html"));
                console.MarkupLine($"Report with {report.Charts.Count} chart(s): [bold]{Markup.Escape(html)}[/]");
                if (parse.GetValue(png))
                {
                    foreach (var written in report.WritePngs(Path.Combine(target, stem)))
                    {
                        console.MarkupLine($"  {Markup.Escape(written)}");
                    }
                }
                return ExitCodes.Ok;
            }));
        return command;
    }

    /// <summary>
    /// The report's file name: the input's name without <c>.json</c> (<c>byd-szeged-eu-duty.scenario</c>), so the scenario and the
    /// Monte Carlo file of one stem write different reports (<see cref="Read"/> takes only <c>.json</c> names).
    /// </summary>
    internal static string ReportStem(string path) => Path.GetFileNameWithoutExtension(path);

    private static (string Path, IMessage Message) Read(string path)
    {
        var name = Path.GetFileName(path).ToLowerInvariant();
        IMessage message = name switch
        {
            _ when name.EndsWith(".scenario.json", StringComparison.Ordinal) => ProtoJsonFile.Read<Scenario>(path),
            _ when name.EndsWith(".sensitivity.json", StringComparison.Ordinal) => ProtoJsonFile.Read<RunSensitivityRequest>(path),
            _ when name.EndsWith(".montecarlo.json", StringComparison.Ordinal) => ProtoJsonFile.Read<MonteCarloSpec>(path),
            _ when name.EndsWith(".sweep.json", StringComparison.Ordinal) => ProtoJsonFile.Read<SweepSpec>(path),
            _ => throw new InputFileException(path, "file", "the name must end in .scenario.json, .sensitivity.json, .montecarlo.json or .sweep.json"),
        };
        return (path, message);
    }

    private static string Title(IMessage message, string path) => message switch
    {
        Scenario s => $"Scenario {s.Name} against the base",
        RunSensitivityRequest s => $"Sensitivity of {s.Scenario?.Name}",
        MonteCarloSpec s => $"Monte Carlo of {s.Scenario?.Name}: {s.Draws:N0} draws",
        SweepSpec s => $"Sweep of {s.Scenario?.Name}",
        _ => Path.GetFileName(path),
    };

    private static async Task AddScenario(ScenarioReport report, NevClient client, IAnsiConsole console, TextWriter error, string path, Scenario scenario,
        string? ownerOption, string[] marketOption, CancellationToken token)
    {
        var brands = await client.Catalog.ListBrandsAsync(new ListBrandsRequest(), cancellationToken: token);
        var owner = ownerOption ?? LeverBrand(scenario, brands) ?? "byd";
        var filter = new ResultFilter { Owners = { owner } };
        filter.Markets.AddRange(marketOption);
        var comparison = await Invocation.FromFile(path, "scenario", () =>
            client.Scenarios.CompareScenarioAsync(new CompareScenarioRequest { Scenario = scenario, Filter = filter }, cancellationToken: token).ResponseAsync);
        if (comparison.Cells.Count == 0)
        {
            throw new InputFileException("--owner", owner, "has no results in the markets asked for");
        }
        IReadOnlyList<string> markets = marketOption.Length > 0
            ? marketOption
            : Shown(await LeverMarkets(scenario, brands, client, token), comparison);
        var shown = new CompareScenarioResponse { Scenario = comparison.Scenario, DatasetVersion = comparison.DatasetVersion };
        shown.Cells.AddRange(comparison.Cells.Where(c => markets.Contains(c.Market)));
        ScenarioCommands.WriteComparison(console, shown);
        ConvergenceWarning.Write(error, comparison.Diagnostics, comparison.BaseDiagnostics);
        report.AddShareTrajectories(comparison, owner, markets);
        report.AddUnitsByYear(comparison, owner, markets);
        report.AddValueByYear(comparison, owner, markets, CellMetric.GrossMarginUsd);
    }

    /// <summary>
    /// The markets to chart: those the levers name (a plant's own market, a lever's market or jurisdiction) where the brand has
    /// results, then the markets where the scenario moves the brand's units most (its largest if it moves none).
    /// </summary>
    private static List<string> Shown(IReadOnlyCollection<string> leverMarkets, CompareScenarioResponse comparison)
    {
        var withCells = comparison.Cells.Select(c => c.Market).ToHashSet(StringComparer.Ordinal);
        var named = leverMarkets.Where(withCells.Contains).Distinct().ToList();
        var mostChanged = comparison.Cells.GroupBy(c => c.Market)
            .Select(g => (Market: g.Key, Change: g.Sum(c => Math.Abs(c.ScenarioUnits - c.BaseUnits)), Size: g.Max(c => c.BaseUnits)))
            .OrderByDescending(m => m.Change >= 1 ? m.Change : 0).ThenByDescending(m => m.Size)
            .Select(m => m.Market);
        return [.. named.Concat(mostChanged.Where(m => !named.Contains(m))).Take(Math.Max(DefaultMarkets, named.Count))];
    }

    /// <summary>The markets a scenario's levers name: market and jurisdiction fields, and the market a changed plant stands in (from the
    /// brand's dataset JSON, which the catalog serves as <see cref="BrandData"/>).</summary>
    private static async Task<List<string>> LeverMarkets(Scenario scenario, ListBrandsResponse brands, NevClient client, CancellationToken token)
    {
        var markets = new List<string>();
        var owners = new Dictionary<string, BrandData>(StringComparer.Ordinal); // one catalog call per brand, however many plant levers
        foreach (var inner in LeverBodies(scenario))
        {
            foreach (var field in inner.Descriptor.Fields.InDeclarationOrder())
            {
                switch (field.JsonName, field.Accessor.GetValue(inner))
                {
                    case ("market" or "jurisdiction", string { Length: > 0 } id):
                        markets.Add(id);
                        break;
                    case ("markets", IEnumerable<string> ids):
                        markets.AddRange(ids);
                        break;
                    case ("plant", string { Length: > 0 } plant) when brands.Brands.FirstOrDefault(b => b.Plants.Contains(plant)) is { } owner:
                        if (!owners.TryGetValue(owner.Id, out var data))
                        {
                            var detail = await client.Catalog.GetBrandAsync(new GetBrandRequest { Id = owner.Id }, cancellationToken: token);
                            owners[owner.Id] = data = DatasetJson.Deserialize<BrandData>(detail.Json);
                        }
                        if (data.Plants.OrEmpty().FirstOrDefault(p => p.Id == plant)?.Market is { } home)
                        {
                            markets.Add(home);
                        }
                        break;
                }
            }
        }
        return markets;
    }

    /// <summary>Each lever's body: the message of its kind (the <c>plant</c> of a plant lever, ...).</summary>
    private static IEnumerable<IMessage> LeverBodies(Scenario scenario) =>
        scenario.Levers.Select(l => Lever.Descriptor.Oneofs[0].Accessor.GetCaseFieldDescriptor(l)?.Accessor.GetValue(l)).OfType<IMessage>();

    /// <summary>The first brand a lever names: its "brand" field, or the owner of the plant it changes.</summary>
    private static string? LeverBrand(Scenario scenario, ListBrandsResponse brands)
    {
        foreach (var inner in LeverBodies(scenario))
        {
            var fields = inner.Descriptor.Fields.InDeclarationOrder();
            if (fields.FirstOrDefault(f => f.JsonName == "brand") is { } brand && brand.Accessor.GetValue(inner) is string { Length: > 0 } id)
            {
                return id;
            }
            if (fields.FirstOrDefault(f => f.JsonName == "plant") is { } plant && plant.Accessor.GetValue(inner) is string { Length: > 0 } plantId
                && brands.Brands.FirstOrDefault(b => b.Plants.Contains(plantId)) is { } owner)
            {
                return owner.Id;
            }
        }
        return null;
    }

    private static async Task<ReportNames> Names(NevClient client, CancellationToken token)
    {
        var brands = await client.Catalog.ListBrandsAsync(new ListBrandsRequest(), cancellationToken: token);
        var markets = await client.Catalog.ListMarketsAsync(new ListMarketsRequest(), cancellationToken: token);
        return new ReportNames(brands.Brands.ToDictionary(b => b.Id, b => b.Name), markets.Markets.ToDictionary(m => m.Id, m => m.Name));
    }
}
