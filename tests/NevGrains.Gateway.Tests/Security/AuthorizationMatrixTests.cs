using Grpc.Core;
using NevGrains.Api.V1;
using NevGrains.Gateway.Tests.Support;

namespace NevGrains.Gateway.Tests.Security;

/// <summary>Each kind of caller against each service: readers read, planners also run, only admins change data.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AuthorizationMatrixTests(GatewayFixture gateway)
{
    public enum Caller { NoKey, WrongKey, Reader, Planner, Admin }

    public enum Call { Catalog, QueryMarket, RunScenario, Batch, Experiment, Admin }

    public static TheoryData<Caller, Call> Matrix()
    {
        var data = new TheoryData<Caller, Call>();
        foreach (var caller in Enum.GetValues<Caller>())
        {
            foreach (var call in Enum.GetValues<Call>())
            {
                data.Add(caller, call);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_reaches_exactly_its_services(Caller caller, Call call)
    {
        var key = caller switch
        {
            Caller.NoKey => null,
            Caller.WrongKey => "key-that-nobody-was-given",
            Caller.Reader => Keys.Reader,
            Caller.Planner => Keys.Planner,
            _ => Keys.Admin,
        };
        var expected = Expected(caller, call);

        var actual = await Outcome(() => Invoke(call, key));

        Assert.True(expected == actual, $"{caller} calling {call}: expected {expected}, got {actual}");
    }

    [Fact]
    public async Task Health_needs_no_key()
    {
        var health = new Grpc.Health.V1.Health.HealthClient(gateway.Host.Client());
        var response = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest());
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("nevgrains.v1.ScenarioService")]
    [InlineData("nevgrains.v1.BatchService")]
    [InlineData("nevgrains.v1.AdminService")]
    public async Task Health_answers_for_the_gateway_and_for_each_api_service_by_name(string service)
    {
        var health = new Grpc.Health.V1.Health.HealthClient(gateway.Host.Client());

        var response = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest { Service = service });

        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Health_of_an_unknown_service_is_not_found()
    {
        var health = new Grpc.Health.V1.Health.HealthClient(gateway.Host.Client());

        await RpcAssert.Fails(StatusCode.NotFound, () => health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest { Service = "no.such.Service" }).ResponseAsync);
    }

    [Theory]
    [InlineData(2 * 1024)]
    [InlineData(64 * 1024)]
    public async Task An_oversized_api_key_is_unauthenticated_and_the_service_keeps_serving(int length)
    {
        var catalog = new CatalogService.CatalogServiceClient(gateway.Host.Client(new string('k', length)));

        await RpcAssert.Fails(StatusCode.Unauthenticated, () => catalog.ListBrandsAsync(new ListBrandsRequest()).ResponseAsync);
        Assert.NotEmpty((await gateway.Catalog().ListBrandsAsync(new ListBrandsRequest())).Brands);
    }

    private static StatusCode Expected(Caller caller, Call call)
    {
        if (caller is Caller.NoKey or Caller.WrongKey)
        {
            return StatusCode.Unauthenticated;
        }
        var needs = call switch
        {
            Call.Catalog or Call.QueryMarket => Caller.Reader,
            Call.Admin => Caller.Admin,
            _ => Caller.Planner,
        };
        if (caller < needs)
        {
            return StatusCode.PermissionDenied;
        }
        // The batch call asks for a batch nobody submitted: getting past authorization means NOT_FOUND.
        return call == Call.Batch ? StatusCode.NotFound : StatusCode.OK;
    }

    private Task Invoke(Call call, string? key) => call switch
    {
        Call.Catalog => gateway.Catalog(key).ListBrandsAsync(new ListBrandsRequest()).ResponseAsync,
        Call.QueryMarket => gateway.Scenarios(key).QueryMarketAsync(new QueryMarketRequest { Market = "uz" }).ResponseAsync,
        Call.RunScenario => gateway.Scenarios(key).RunScenarioAsync(new RunScenarioRequest
        {
            Scenario = new Scenario { Name = "auth", Horizon = 2027 },
            Filter = new ResultFilter { Owners = { "byd" }, Markets = { "uz" } },
        }).ResponseAsync,
        Call.Batch => gateway.Batches(key).GetBatchAsync(new GetBatchRequest { BatchId = "no-such-batch" }).ResponseAsync,
        Call.Experiment => gateway.Experiments(key).RunSweepAsync(new RunSweepRequest
        {
            Sweep = new SweepSpec
            {
                Scenario = Requests.EuTariff(0),
                Axes = { new SweepAxis { Target = "levers[0].rate", Values = { 0.1 } } },
                Metrics = { Requests.BydEuropeUnits() },
            },
        }).ResponseAsync,
        _ => gateway.Admin(key).GetClusterStatusAsync(new GetClusterStatusRequest()).ResponseAsync,
    };

    private static async Task<StatusCode> Outcome(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }
}
