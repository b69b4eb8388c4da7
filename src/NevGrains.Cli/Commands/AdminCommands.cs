using System.CommandLine;
using NevGrains.Api.V1;
using NevGrains.Cli.Connection;
using NevGrains.Cli.Files;
using NevGrains.Cli.Output;
using Spectre.Console;

namespace NevGrains.Cli.Commands;

/// <summary><c>nev admin status</c> (silos, their load, the pending batch work) and <c>nev admin drain</c> (retire one silo).</summary>
public static class AdminCommands
{
    public static Command Build(TextWriter output, TextWriter error) =>
        new("admin", "Cluster administration (needs the admin role)") { Status(output, error), Drain(output, error) };

    private static Command Status(TextWriter output, TextWriter error)
    {
        var format = OutputOptions.Format();
        var outFile = OutputOptions.Out();
        var status = new Command("status", "Silos, activations, CPU, memory and pending batch work") { format, outFile };
        status.SetAction((parse, cancellation) => NeedsServer(parse, error) ?? Invocation.Run(parse, output, error, cancellation, async (client, console, token) =>
        {
            var response = await client.Admin.GetClusterStatusAsync(new GetClusterStatusRequest(), cancellationToken: token);
            var rows = new Tabular("silo", "name", "status", "activations", "recently used", "CPU %", "memory MB", "overloaded");
            foreach (var silo in response.Silos)
            {
                rows.Add(silo.Address, silo.Name, silo.Status, silo.Activations, silo.RecentlyUsedActivations, Math.Round(silo.CpuUsage, 1),
                    silo.MemoryUsedBytes / (1024 * 1024), silo.Overloaded);
            }
            OutputOptions.Write(parse.GetValue(format), parse.GetValue(outFile), console, output, response, () =>
            {
                rows.WriteTable(console, $"Cluster on {client.Describe}: dataset {response.DatasetVersion}");
                console.MarkupLine($"{response.RunningBatches} batch(es) running, {response.PendingItems:N0} item(s) pending");
                foreach (var batch in response.Batches)
                {
                    console.MarkupLineInterpolated($"  {batch.Id} ({batch.Owner}): {batch.Completed:N0} of {batch.Total:N0}");
                }
            }, rows);
            return ExitCodes.Ok;
        }));
        return status;
    }

    private static Command Drain(TextWriter output, TextWriter error)
    {
        var silo = new Argument<string>("silo") { Description = "The silo's address, host:port or name, as `nev admin status` shows it" };
        var drain = new Command("drain", "Gracefully retire one silo: it takes no new work, hands its work back and exits; batches continue elsewhere")
        {
            silo,
        };
        drain.SetAction((parse, cancellation) => NeedsServer(parse, error) ?? Invocation.Run(parse, output, error, cancellation, async (client, console, token) =>
        {
            var response = await client.Admin.DrainSiloAsync(new DrainSiloRequest { Silo = parse.GetValue(silo) }, cancellationToken: token);
            console.MarkupLineInterpolated(
                $"Draining {response.Name} ({response.Address}): {response.Activations} activation(s) are handing back; the process exits when done.");
            return ExitCodes.Ok;
        }));
        return drain;
    }

    /// <summary>
    /// Admin commands act on a running cluster: without a server, nev would start a throwaway embedded service and report on that.
    /// Options that do not read (a malformed --server) are left to <see cref="Invocation.Run"/>, which reports them as it reports all.
    /// </summary>
    private static Task<int>? NeedsServer(ParseResult parse, TextWriter error)
    {
        try
        {
            if (GlobalOptions.Read(parse).Server is not null)
            {
                return null;
            }
        }
        catch (InputFileException)
        {
            return null;
        }
        error.WriteLine($"error: nev admin acts on a running cluster: give --server (or ${ServerOptions.ServerVariable}) with the gateway's address");
        return Task.FromResult(ExitCodes.Usage);
    }
}
