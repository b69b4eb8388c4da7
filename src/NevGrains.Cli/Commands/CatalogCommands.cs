using System.CommandLine;
using System.Text.Json;
using NevGrains.Api.V1;
using NevGrains.Cli.Output;
using Spectre.Console;
using Spectre.Console.Json;

namespace NevGrains.Cli.Commands;

/// <summary>Browsing the data: <c>nev brands</c>, <c>nev markets</c>, <c>nev show brand|market ID</c>.</summary>
public static class CatalogCommands
{
    public static IEnumerable<Command> Build(TextWriter output, TextWriter error)
    {
        yield return Brands(output, error);
        yield return Markets(output, error);
        yield return Show(output, error);
    }

    private static Command Brands(TextWriter output, TextWriter error)
    {
        var format = OutputOptions.Format();
        var file = OutputOptions.Out();
        var command = new Command("brands", "List the brands with their markets and plants") { format, file };
        command.SetAction((parse, cancellation) => Invocation.Run(parse, output, error, cancellation, async (client, console, token) =>
        {
            var response = await client.Catalog.ListBrandsAsync(new ListBrandsRequest(), cancellationToken: token);
            var rows = new Tabular("id", "name", "group", "base-year units", "markets", "plants", "version");
            foreach (var b in response.Brands)
            {
                rows.Add(b.Id, b.Name, b.Group, Quantity.Units(b.BaseYearUnits), b.Markets.Count, string.Join(" ", b.Plants), b.Version);
            }
            OutputOptions.Write(parse.GetValue(format), parse.GetValue(file), console, output, response,
                () => rows.WriteTable(console, $"Brands (dataset {response.DatasetVersion})"), rows);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Markets(TextWriter output, TextWriter error)
    {
        var format = OutputOptions.Format();
        var file = OutputOptions.Out();
        var command = new Command("markets", "List the markets with their size, plug-in shares and chargers") { format, file };
        command.SetAction((parse, cancellation) => Invocation.Run(parse, output, error, cancellation, async (client, console, token) =>
        {
            var response = await client.Catalog.ListMarketsAsync(new ListMarketsRequest(), cancellationToken: token);
            var rows = new Tabular("id", "name", "region", "customs union", "new cars", "BEV share", "PHEV share", "public chargers", "version");
            foreach (var m in response.Markets)
            {
                rows.Add(m.Id, m.Name, m.Region, m.CustomsUnion, Quantity.Units(m.NewCarSales), Quantity.Share(m.BevShare), Quantity.Share(m.PhevShare), Quantity.Units(m.PublicChargers), m.Version);
            }
            OutputOptions.Write(parse.GetValue(format), parse.GetValue(file), console, output, response,
                () => rows.WriteTable(console, $"Markets, base year (dataset {response.DatasetVersion})"), rows);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Show(TextWriter output, TextWriter error)
    {
        var brandId = new Argument<string>("id") { Description = "A brand id, e.g. byd" };
        var marketId = new Argument<string>("id") { Description = "A market id, e.g. hu" };
        var brand = new Command("brand", "The full state of one brand (plants, offers, presence, sales), as stored") { brandId };
        var market = new Command("market", "The full state of one market (size, shares, chargers, incentives, competitors), as stored") { marketId };
        brand.SetAction((parse, cancellation) => Invocation.Run(parse, output, error, cancellation, async (client, console, token) =>
        {
            var response = await client.Catalog.GetBrandAsync(new GetBrandRequest { Id = parse.GetValue(brandId) }, cancellationToken: token);
            WriteState(console, $"Brand {response.Summary.Name} ({response.Summary.Id}), version {response.Summary.Version}", response.UpdatedBy, response.Json);
            return ExitCodes.Ok;
        }));
        market.SetAction((parse, cancellation) => Invocation.Run(parse, output, error, cancellation, async (client, console, token) =>
        {
            var response = await client.Catalog.GetMarketAsync(new GetMarketRequest { Id = parse.GetValue(marketId) }, cancellationToken: token);
            WriteState(console, $"Market {response.Summary.Name} ({response.Summary.Id}), version {response.Summary.Version}", response.UpdatedBy, response.Json);
            return ExitCodes.Ok;
        }));
        return new Command("show", "Show the full state of a brand or a market") { brand, market };
    }

    private static void WriteState(IAnsiConsole console, string title, string updatedBy, string json)
    {
        console.MarkupLine($"[bold]{Markup.Escape(title)}[/]{(string.IsNullOrEmpty(updatedBy) ? "" : $", last changed by {Markup.Escape(updatedBy)}")}");
        using var document = JsonDocument.Parse(json);
        console.Write(new JsonText(JsonSerializer.Serialize(document.RootElement, new JsonSerializerOptions { WriteIndented = true })));
        console.WriteLine();
    }
}
