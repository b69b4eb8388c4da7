using System.Buffers.Binary;
using Google.Protobuf;
using Grpc.Core;
using NevGrains.Api.V1;
using NevGrains.Gateway.Tests.Support;

namespace NevGrains.Gateway.Tests.Services;

/// <summary>Bad input gets a status that names what is wrong, and the service keeps serving afterwards.</summary>
[Collection(GatewayCollection.Name)]
public sealed class BadInputTests(GatewayFixture gateway)
{
    private readonly ScenarioService.ScenarioServiceClient scenarios = gateway.Scenarios();

    public static TheoryData<string, Scenario, string> InvalidScenarios() => new()
    {
        { "NaN rate", Requests.EuTariff(double.NaN), "scenario.levers[0].tariff.rate" },
        { "negative tariff", Requests.EuTariff(-0.1), "scenario.levers[0].tariff.rate" },
        { "infinite tariff", Requests.EuTariff(double.PositiveInfinity), "scenario.levers[0].tariff.rate" },
        { "horizon too far", new Scenario { Name = "far", Horizon = 2100 }, "scenario.horizon" },
        { "horizon before the base year", new Scenario { Name = "past", Horizon = 2019 }, "scenario.horizon" },
        { "unknown brand in a lever", new Scenario { Name = "x", Levers = { new Lever { Price = new PriceLever { Brand = "tesla", Change = -0.1, FromYear = 2027 } } } }, "scenario.levers[0].price.brand" },
        { "unknown plant", new Scenario { Name = "x", Levers = { new Lever { Plant = new PlantLever { Plant = "byd-mars", StartDelayMonths = 6 } } } }, "scenario.levers[0].plant.plant" },
        { "lever with no kind", new Scenario { Name = "x", Levers = { new Lever() } }, "scenario.levers[0]" },
        { "unknown parameter", new Scenario { Name = "x", Parameters = { ["demand.noSuchThing"] = 1 } }, "scenario.parameters.demand.noSuchThing" },
        { "date outside the horizon", new Scenario { Name = "x", Horizon = 2027, Levers = { new Lever { Tariff = new TariffLever { Jurisdiction = "eu", Rate = 0.1, From = "2035-01-01" } } } }, "scenario.levers[0].tariff.from" },
        { "incentive price cap of 1e308", Incentive(i => i.MaxPrice = 1e308), "scenario.levers[0].incentive.maxPrice" },
        { "negative battery floor", Incentive(i => i.MinBatteryKwh = -1), "scenario.levers[0].incentive.minBatteryKwh" },
        { "incentive without end in the year 9999", Incentive(i => i.ValidTo = "9999-12-31"), "scenario.levers[0].incentive.validTo" },
        { "tariff ending in the year 9999", new Scenario { Name = "x", Levers = { new Lever { Tariff = new TariffLever { Jurisdiction = "eu", Rate = 0.1, From = "2026-01-01", To = "9999-12-31" } } } }, "scenario.levers[0].tariff.to" },
        { "stores for a brand that never sells in the market", new Scenario { Name = "x", Levers = { new Lever { Stores = new StoresLever { Brand = "li-auto", Market = "de", Year = 2027, Stores = 50 } } } }, "scenario.levers[0].stores.brand" },
        { "swap stations for a brand that never sells in the market", new Scenario { Name = "x", Levers = { new Lever { SwapStations = new SwapStationsLever { Brand = "nio", Market = "th", Year = 2027, Stations = 50 } } } }, "scenario.levers[0].swapStations.brand" },
        { "a description of 100,000 characters", new Scenario { Name = "x", Description = new string('d', 100_000) }, "scenario.description" },
        { "malformed date", new Scenario { Name = "x", Levers = { new Lever { Tariff = new TariffLever { Jurisdiction = "eu", Rate = 0.1, From = "next year" } } } }, "scenario.levers[0].tariff.from" },
    };

    private static Scenario Incentive(Action<IncentiveLever> change)
    {
        var incentive = new IncentiveLever { Market = "de", Id = "test-bonus", Amount = 3_000, ValidFrom = "2027-01-01", Powertrains = { Powertrain.Bev } };
        change(incentive);
        return new Scenario { Name = "x", Levers = { new Lever { Incentive = incentive } } };
    }

    [Theory]
    [MemberData(nameof(InvalidScenarios))]
    public async Task An_invalid_scenario_is_an_invalid_argument_naming_the_field(string what, Scenario scenario, string field)
    {
        var error = await RpcAssert.Fails(StatusCode.InvalidArgument,
            () => scenarios.RunScenarioAsync(new RunScenarioRequest { Scenario = scenario }).ResponseAsync);

        Assert.True(error.Status.Detail.StartsWith(field + ":", StringComparison.Ordinal), $"{what}: '{error.Status.Detail}' should name {field}");
        Assert.Contains(RpcAssert.Violations(error), v => v.StartsWith(field + ":", StringComparison.Ordinal));
        await StillServing();
    }

    [Fact]
    public async Task Stores_for_a_brand_the_scenario_brings_into_the_market_are_accepted()
    {
        var scenario = new Scenario
        {
            Name = "li-auto-germany",
            Horizon = 2028,
            Levers =
            {
                new Lever { MarketEntry = new MarketEntryLever { Brand = "li-auto", Market = "de", Entered = "2026-06-01", Stores = 10 } },
                new Lever { Stores = new StoresLever { Brand = "li-auto", Market = "de", Year = 2027, Stores = 40 } },
            },
        };

        var response = await scenarios.RunScenarioAsync(new RunScenarioRequest { Scenario = scenario, Filter = new ResultFilter { Owners = { "li-auto" }, Markets = { "de" }, Years = { 2027 } } });

        Assert.Contains(response.Result.Cells, c => c.BevUnits + c.PhevUnits > 0);
    }

    [Fact]
    public async Task Every_issue_of_a_request_is_listed()
    {
        var scenario = new Scenario
        {
            Name = "many",
            Horizon = 2100,
            Levers = { new Lever { Tariff = new TariffLever { Jurisdiction = "eu", Rate = -1, From = "2026-01-01" } } },
        };

        var error = await RpcAssert.Fails(StatusCode.InvalidArgument,
            () => scenarios.RunScenarioAsync(new RunScenarioRequest { Scenario = scenario }).ResponseAsync);

        Assert.Contains("more issue", error.Status.Detail, StringComparison.Ordinal);
        var violations = RpcAssert.Violations(error);
        Assert.Contains(violations, v => v.StartsWith("scenario.horizon:", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("scenario.levers[0].tariff.rate:", StringComparison.Ordinal));
        Assert.DoesNotContain("nevgrains-issues", error.Trailers.Select(t => t.Key)); // the old custom trailer is gone
    }

    [Fact]
    public async Task A_request_with_hundreds_of_issues_gets_a_bounded_list_and_the_count()
    {
        var scenario = new Scenario { Name = "many", Horizon = 2100 };
        for (var i = 0; i < 300; i++)
        {
            scenario.Levers.Add(new Lever { Tariff = new TariffLever { Jurisdiction = new string('j', 2_000), Rate = -1, From = "2026-01-01" } });
        }

        var error = await RpcAssert.Fails(StatusCode.InvalidArgument,
            () => scenarios.RunScenarioAsync(new RunScenarioRequest { Scenario = scenario }).ResponseAsync);

        var violations = RpcAssert.Violations(error);
        Assert.Equal(Api.Errors.FieldViolations.MaxViolations, violations.Count);
        Assert.Matches(@"\(and \d{3} more issue\(s\)\)$", error.Status.Detail);
        Assert.True(error.Trailers.GetValueBytes("grpc-status-details-bin")!.Length <= 8_000, "the details fit a gRPC client's header limit");
        await StillServing();
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("2025.2.0+r0; drop")]
    [InlineData(null)] // half a megabyte (under the test gateway's 1 MiB message limit): echoed in full it would break the response headers
    public async Task A_malformed_dataset_version_is_named_and_the_answer_stays_small(string? version)
    {
        version ??= new string('v', 1 << 19);

        var error = await RpcAssert.Fails(StatusCode.InvalidArgument, () => scenarios.RunScenarioAsync(
            new RunScenarioRequest { Scenario = Requests.EuTariff(0.1), DatasetVersion = version }).ResponseAsync);

        Assert.StartsWith("datasetVersion:", error.Status.Detail, StringComparison.Ordinal);
        Assert.True(error.Status.Detail.Length <= 1_100, $"{error.Status.Detail.Length} characters");
        await StillServing();
    }

    [Fact]
    public async Task An_id_of_half_a_megabyte_gets_a_bounded_message()
    {
        var brand = new string('b', 1 << 19);

        var error = await RpcAssert.Fails(StatusCode.NotFound, () => gateway.Catalog().GetBrandAsync(new GetBrandRequest { Id = "zz" }).ResponseAsync);
        var huge = await Assert.ThrowsAnyAsync<RpcException>(() => scenarios.RunScenarioAsync(new RunScenarioRequest
        {
            Scenario = new Scenario { Name = "x", Levers = { new Lever { Price = new PriceLever { Brand = brand, Change = -0.1, FromYear = 2027 } } } },
        }).ResponseAsync);

        Assert.Contains("zz", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, huge.StatusCode);
        Assert.True(huge.Status.Detail.Length <= 1_100, $"{huge.Status.Detail.Length} characters");
        var details = huge.Trailers.GetValueBytes("grpc-status-details-bin");
        Assert.True(details is { Length: <= 8_000 }, $"details of {details?.Length} bytes");
        await StillServing();
    }

    public static TheoryData<string, ResultFilter, string> UnknownFilters() => new()
    {
        { "a typo in an owner", new ResultFilter { Owners = { "byd", "bydd" } }, "filter.owners[1]: unknown brand or competitor 'bydd'; did you mean 'byd'?" },
        { "an unknown market", new ResultFilter { Markets = { "xx" } }, "filter.markets[0]: unknown market 'xx'" },
        { "a year past the horizon", new ResultFilter { Years = { 2040 } }, "filter.years[0]: 2040 is outside the run's years 2025..2028" },
        { "a half-megabyte owner", new ResultFilter { Owners = { new string('o', 1 << 19) } }, "filter.owners[0]: unknown brand or competitor 'oooooooooooooooooooooooooooooooooooooooo...'" },
    };

    [Theory]
    [MemberData(nameof(UnknownFilters))]
    public async Task A_filter_naming_what_the_dataset_lacks_is_an_invalid_argument_not_an_empty_answer(string what, ResultFilter filter, string message)
    {
        var run = await RpcAssert.Fails(StatusCode.InvalidArgument, () => scenarios.RunScenarioAsync(
            new RunScenarioRequest { Scenario = Requests.EuTariff(0.1), Filter = filter }).ResponseAsync);
        var compare = await RpcAssert.Fails(StatusCode.InvalidArgument, () => scenarios.CompareScenarioAsync(
            new CompareScenarioRequest { Scenario = Requests.EuTariff(0.1), Filter = filter }).ResponseAsync);

        Assert.True(run.Status.Detail.StartsWith(message, StringComparison.Ordinal), $"{what}: '{run.Status.Detail}'");
        Assert.True(compare.Status.Detail.StartsWith(message, StringComparison.Ordinal), $"{what}: '{compare.Status.Detail}'");
        Assert.True(run.Status.Detail.Length <= 1_100);
        await StillServing();
    }

    [Fact]
    public async Task A_missing_scenario_is_named()
    {
        var error = await RpcAssert.Fails(StatusCode.InvalidArgument, () => scenarios.RunScenarioAsync(new RunScenarioRequest()).ResponseAsync);
        Assert.StartsWith("scenario:", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_refused()
    {
        var huge = new Scenario { Name = "huge", Description = new string('x', GatewayFixture.MaxReceiveMessageBytes + 10) };

        await RpcAssert.Fails(StatusCode.ResourceExhausted, () => scenarios.RunScenarioAsync(new RunScenarioRequest { Scenario = huge }).ResponseAsync);
        await StillServing();
    }

    [Fact]
    public async Task A_truncated_message_is_refused_without_internals()
    {
        var whole = new RunScenarioRequest { Scenario = Requests.SzegedLateWithMinimumPrice() }.ToByteArray();

        var (status, message) = await SendRaw(Frame(whole[..(whole.Length / 2)]));

        Assert.Equal(StatusCode.InvalidArgument, status);
        Assert.StartsWith("request: not a valid nevgrains.v1.RunScenarioRequest", message, StringComparison.Ordinal);
        await StillServing();
    }

    [Fact]
    public async Task A_frame_shorter_than_its_header_says_is_refused()
    {
        var whole = new RunScenarioRequest { Scenario = Requests.SzegedLateWithMinimumPrice() }.ToByteArray();
        var frame = Frame(whole);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)whole.Length + 100);

        var (status, message) = await SendRaw(frame);

        Assert.Equal(StatusCode.InvalidArgument, status);
        Assert.StartsWith("request: truncated message", message, StringComparison.Ordinal);
        await StillServing();
    }

    [Fact]
    public async Task Random_bytes_are_refused_and_the_service_keeps_serving()
    {
        var random = new Random(20261128);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var bytes = new byte[random.Next(1, 512)];
            random.NextBytes(bytes);

            var (status, message) = await SendRaw(Frame(bytes));

            // Either the bytes do not parse, or they parse into a request the validator rejects.
            Assert.True(status == StatusCode.InvalidArgument, $"attempt {attempt}: {status} {message}");
            Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
        }
        await StillServing();
    }

    private async Task StillServing()
    {
        var response = await gateway.Catalog().GetDatasetInfoAsync(new GetDatasetInfoRequest());
        Assert.False(string.IsNullOrEmpty(response.Version));
    }

    private static byte[] Frame(byte[] payload) => RawGrpc.Frame(payload);

    /// <summary>Posts raw bytes as a gRPC call to RunScenario, as a broken or hostile client would.</summary>
    private async Task<(StatusCode Status, string Message)> SendRaw(byte[] body)
    {
        using var http = new HttpClient();
        var (status, message) = await RawGrpc.Send(http, gateway.Host.Address, "/nevgrains.v1.ScenarioService/RunScenario", body, Keys.Planner);
        return (status ?? throw new InvalidOperationException($"no grpc-status ({message})"), message);
    }
}
