using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NevGrains.Api.V1;

namespace NevGrains.Cli.Tests.Support;

/// <summary>
/// A gRPC server on 127.0.0.1 that answers the scenario calls with results built by hand, so `nev` can be shown an answer
/// whose solver diagnostics report years that did not converge without depending on the engine failing. The scenario's name
/// picks the answer: see <see cref="CannedResults"/>.
/// </summary>
public sealed class CannedGateway : IAsyncLifetime
{
    private WebApplication? app;

    public string Server { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Test", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear(); // no settings from the output folder (the gateway's appsettings.json is copied there)
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        app = builder.Build();
        app.MapGrpcService<CannedScenarios>();
        app.MapGrpcService<CannedCatalog>();
        await app.StartAsync(TestContext.Current.CancellationToken);
        Server = app.Urls.Single();
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>`nev ARGS --server ADDRESS`.</summary>
    public Task<(int Code, string Output, string Error)> Nev(params string[] args) => Support.Nev.Run([.. args, "--server", Server]);

    private sealed class CannedScenarios : ScenarioService.ScenarioServiceBase
    {
        public override Task<RunScenarioResponse> RunScenario(RunScenarioRequest request, ServerCallContext context) =>
            Task.FromResult(CannedResults.Run(request.Scenario.Name));

        public override Task<CompareScenarioResponse> CompareScenario(CompareScenarioRequest request, ServerCallContext context) =>
            Task.FromResult(CannedResults.Compare(request.Scenario.Name));

        public override Task<ExplainScenarioResponse> ExplainScenario(ExplainScenarioRequest request, ServerCallContext context) =>
            Task.FromResult(CannedResults.Explain(request.Scenario.Name));
    }

    private sealed class CannedCatalog : CatalogService.CatalogServiceBase
    {
        public override Task<ListBrandsResponse> ListBrands(ListBrandsRequest request, ServerCallContext context) =>
            Task.FromResult(new ListBrandsResponse { Brands = { new BrandSummary { Id = "byd", Name = "BYD", Markets = { "hu" } } }, DatasetVersion = "canned" });

        public override Task<ListMarketsResponse> ListMarkets(ListMarketsRequest request, ServerCallContext context) =>
            Task.FromResult(new ListMarketsResponse { Markets = { new MarketSummary { Id = "hu", Name = "Hungary" } }, DatasetVersion = "canned" });
    }
}

/// <summary>
/// Answers built by hand for BYD in Hungary, 2025 to 2028. Scenario names: <c>converged</c> (every year converged),
/// <c>unconverged</c> (the scenario's 2027 hit the iteration limit and 2028 stalled), <c>base-unconverged</c> (the
/// scenario converged, the base's 2028 did not).
/// </summary>
public static class CannedResults
{
    public const int BaseYear = 2025;
    public const int Horizon = 2028;

    public static RunScenarioResponse Run(string scenario)
    {
        var result = new ScenarioResult
        {
            Scenario = scenario, DatasetVersion = "canned", BaseYear = BaseYear, Horizon = Horizon,
            Diagnostics = Diagnostics(scenario == "unconverged" ? Unconverged : []),
        };
        for (var year = BaseYear; year <= Horizon; year++)
        {
            result.Cells.Add(new CellResult
            {
                Owner = "byd", Market = "hu", Year = year, BevUnits = 4_000 + 500 * (year - BaseYear), PhevUnits = 1_000, OtherUnits = 0,
                ShareOfMarket = 0.04, AveragePriceUsd = 32_000, RevenueUsd = 1.5e8, GrossMarginUsd = 2.2e7, TariffPaidUsd = 0,
                ScarcityRentUsd = year == Horizon ? 850 : 0,
            });
        }
        return new RunScenarioResponse { Result = result };
    }

    public static CompareScenarioResponse Compare(string scenario)
    {
        var response = new CompareScenarioResponse
        {
            Scenario = scenario, DatasetVersion = "canned",
            Diagnostics = Diagnostics(scenario == "unconverged" ? Unconverged : []),
            BaseDiagnostics = Diagnostics(scenario == "base-unconverged" ? [Horizon] : []),
        };
        for (var year = BaseYear; year <= Horizon; year++)
        {
            var units = 5_000 + 500 * (year - BaseYear);
            response.Cells.Add(new CellChange
            {
                Owner = "byd", Market = "hu", Year = year, BaseUnits = units, ScenarioUnits = year > BaseYear ? units * 0.8 : units,
                BaseShare = 0.04, ScenarioShare = year > BaseYear ? 0.032 : 0.04, BaseGrossMarginUsd = 2.2e7, ScenarioGrossMarginUsd = 1.9e7,
            });
        }
        return response;
    }

    public static ExplainScenarioResponse Explain(string scenario)
    {
        var response = new ExplainScenarioResponse
        {
            Scenario = scenario, DatasetVersion = "canned", Metric = ExplainedMetric.Units, Drivers = { Driver.Tariff },
            Diagnostics = Diagnostics(scenario == "unconverged" ? Unconverged : []),
            BaseDiagnostics = Diagnostics(scenario == "base-unconverged" ? [Horizon] : []),
        };
        response.Cells.Add(new ExplainedCell { Owner = "byd", Market = "hu", Year = 2027, BaseValue = 6_000, ScenarioValue = 4_800, ByDriver = { -1_200 } });
        return response;
    }

    private static readonly int[] Unconverged = [2027, 2028];

    /// <summary>Diagnostics of a run whose <paramref name="notConverged"/> years stopped before the tolerance (largest residual 2.1e-03).</summary>
    public static SolverDiagnostics Diagnostics(params int[] notConverged)
    {
        var diagnostics = new SolverDiagnostics { YearsNotConverged = notConverged.Length, Converged = notConverged.Length == 0 };
        for (var year = BaseYear + 1; year <= Horizon; year++)
        {
            var failed = notConverged.Contains(year);
            diagnostics.Years.Add(new YearSolve
            {
                Year = year,
                Exit = !failed ? SolverExit.Converged : year == Horizon ? SolverExit.Stalled : SolverExit.IterationLimit,
                Iterations = failed ? 200 : 14,
                Residual = !failed ? 4e-4 : year == Horizon ? 2.1e-3 : 1.6e-3,
            });
        }
        diagnostics.Iterations = diagnostics.Years.Sum(y => y.Iterations);
        diagnostics.MaxPriceResidual = diagnostics.Years.Max(y => y.Residual);
        return diagnostics;
    }
}
