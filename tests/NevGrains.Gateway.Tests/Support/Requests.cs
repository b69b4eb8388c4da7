using NevGrains.Api.V1;

namespace NevGrains.Gateway.Tests.Support;

/// <summary>Requests the tests send, built only from the public API types.</summary>
public static class Requests
{
    /// <summary>The product's example question: Szeged a year late and the EU duty on BYD replaced by a minimum price.</summary>
    public static Scenario SzegedLateWithMinimumPrice() => new()
    {
        Name = "szeged-late-min-price",
        Horizon = 2030,
        Levers =
        {
            new Lever { Plant = new PlantLever { Plant = "byd-szeged", StartDelayMonths = 12 } },
            new Lever
            {
                PriceUndertaking = new PriceUndertakingLever
                {
                    Jurisdiction = "eu", Brand = "byd", MinImportPriceUsd = 35_000, From = "2026-01-01",
                    Powertrains = { Powertrain.Bev },
                },
            },
        },
    };

    public static Scenario EuTariff(double rate, string name = "eu-duty") => new()
    {
        Name = name,
        Horizon = 2028,
        Levers = { new Lever { Tariff = new TariffLever { Jurisdiction = "eu", Rate = rate, From = "2026-01-01" } } },
    };

    /// <summary>An extra EU duty on BYD's cars only: its own tariff, which never raises its EU units (docs/model.md, section 12).</summary>
    public static Scenario BydEuTariff(double rate, string name = "byd-eu-duty")
    {
        var scenario = EuTariff(rate, name);
        scenario.Levers[0].Tariff.Brands.Add("byd");
        return scenario;
    }

    public static MetricSpec BydEuropeUnits(int year = 2028) => new()
    {
        Name = "byd-eu-units",
        Metric = MetricKind.Units,
        Owner = "byd",
        Year = year,
        Markets = { "eu" },
    };

    public static BatchSpec ScenarioBatch(int count, string name = "batch")
    {
        var list = new ScenarioList { Metrics = { BydEuropeUnits() } };
        for (var i = 0; i < count; i++)
        {
            list.Scenarios.Add(EuTariff(0.05 * i, $"eu-duty-{i}"));
        }
        return new BatchSpec { Name = name, ChunkSize = 2, Scenarios = list };
    }

    /// <summary>A sweep batch of <paramref name="points"/> points (one axis over the EU duty rate).</summary>
    public static BatchSpec SweepBatch(int points, string name = "sweep")
    {
        var axis = new SweepAxis { Target = "levers[0].rate" };
        for (var i = 0; i < points; i++)
        {
            axis.Values.Add(0.5 * i / Math.Max(1, points - 1));
        }
        return new BatchSpec
        {
            Name = name,
            ChunkSize = 10,
            Sweep = new SweepSpec { Scenario = EuTariff(0), Axes = { axis }, Metrics = { BydEuropeUnits() } },
        };
    }
}
