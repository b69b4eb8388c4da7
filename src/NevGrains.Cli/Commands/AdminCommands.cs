using System.CommandLine;
using NevGrains.Api.V1;
using NevGrains.Cli.Output;
using Spectre.Console;

namespace NevGrains.Cli.Commands;

/// <summary><c>nev admin status</c>: the cluster's silos, their load and the pending batch work.</summary>
public static class AdminCommands
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var format = OutputOptions.Format();
        var outFile = OutputOptions.Out();
        var status = new Command("status", "Silos, activations, CPU and pending batch work (needs the admin role)") { format, outFile };
        status.SetAction((parse, cancellation) => Invocation.Run(parse, output, error, cancellation, async (client, console, token) =>
        {
            var response = await client.Admin.GetClusterStatusAsync(new GetClusterStatusRequest(), cancellationToken: token);
            var rows = new Tabular("silo", "name", "status", "activations", "CPU %");
            foreach (var silo in response.Silos)
            {
                rows.Add(silo.Address, silo.Name, silo.Status, silo.Activations, silo.CpuUsage);
            }
            OutputOptions.Write(parse.GetValue(format), parse.GetValue(outFile), console, output, response, () =>
            {
                rows.WriteTable(console, $"Cluster on {client.Describe}: dataset {response.DatasetVersion}");
                console.MarkupLine($"{response.RunningBatches} batch(es) running, {response.PendingItems:N0} item(s) pending");
            }, rows);
            return ExitCodes.Ok;
        }));
        return new Command("admin", "Cluster administration") { status };
    }
}
