using System.Collections;
using System.IO.Compression;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Health.V1;
using NevGrains.Api.V1;
using NevGrains.Gateway.Tests.Support;

namespace NevGrains.Gateway.Tests.Services;

/// <summary>
/// A corpus of hostile requests over every RPC, from a fixed seed: random bytes, random messages of the method's own request
/// type (every field filled from NaN, infinities, extremes, empty, huge and control-character strings, undefined enum values),
/// each plain and gzip-compressed, and oversized and malformed frames. No answer may be INTERNAL or UNKNOWN, every call must end,
/// and the gateway must answer health after each. Its own gateway: the corpus calls admin RPCs that change data.
/// </summary>
public sealed class HostileInputTests(HostileInputTests.Gateway gateway) : IClassFixture<HostileInputTests.Gateway>
{
    /// <summary>The corpus's seed; <c>NEV_HOSTILE_SEED</c> explores others (a failure names its method and case).</summary>
    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("NEV_HOSTILE_SEED"), out var seed) ? seed : 20261202;

    private static readonly MethodDescriptor[] Methods =
        [.. new[] { CatalogReflection.Descriptor, ScenariosReflection.Descriptor, BatchesReflection.Descriptor, ExperimentsReflection.Descriptor, AdminReflection.Descriptor }
            .SelectMany(file => file.Services)
            .SelectMany(service => service.Methods)];

    [Fact]
    public async Task No_hostile_request_gets_an_internal_error_or_a_hang()
    {
        var random = new Random(Seed);
        var shaped = new ShapedMessages(random);
        var failures = new List<string>();
        var sent = 0;
        foreach (var method in Methods)
        {
            for (var i = 0; i < 3; i++)
            {
                var bytes = new byte[random.Next(1, 300)];
                random.NextBytes(bytes);
                await Check(method, $"random bytes #{i}", Frame(bytes, compressed: false), encoding: null);
            }
            for (var i = 0; i < 6; i++)
            {
                var payload = shaped.Build(method.InputType, depth: 0).ToByteArray();
                await Check(method, $"shaped message #{i}", Frame(payload, compressed: false), encoding: null);
                await Check(method, $"shaped message #{i}, gzip", Frame(Gzip(payload), compressed: true), encoding: "gzip");
            }
        }
        // Valid requests with one field made hostile: these pass the parser and the shape checks and reach the validators.
        foreach (var (name, valid) in ValidRequests())
        {
            var method = Methods.Single(m => m.Name == name);
            for (var i = 0; i < 25; i++)
            {
                var mutated = valid.Descriptor.Parser.ParseFrom(valid.ToByteString());
                var where = shaped.Mutate(mutated);
                await Check(method, $"valid but {where}", Frame(mutated.ToByteArray(), compressed: false), encoding: null);
            }
        }
        var run = Methods.Single(m => m.Name == "RunScenario");
        await Check(run, "over the size limit", Frame(new byte[Gateway.MaxReceiveMessageBytes + 100], compressed: false), encoding: null);
        await Check(run, "a gzip bomb", Frame(Gzip(new byte[64 * 1024 * 1024]), compressed: true), encoding: "gzip");
        await Check(run, "not gzip", Frame([1, 2, 3, 4, 5, 6], compressed: true), encoding: "gzip");
        await Check(run, "compressed, no encoding", Frame(Gzip([10, 0]), compressed: true), encoding: null);
        await Check(run, "an unknown encoding", Frame([1, 2, 3], compressed: true), encoding: "br");
        await Check(run, "a frame flag of 7", [7, 0, 0, 0, 0], encoding: null);

        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests:\n" + string.Join("\n", failures.Take(30)));

        async Task Check(MethodDescriptor method, string what, byte[] body, string? encoding)
        {
            sent++;
            var (status, message) = await gateway.Send($"/{method.Service.FullName}/{method.Name}", body, encoding);
            if (status is null or StatusCode.Internal or StatusCode.Unknown)
            {
                failures.Add($"{method.Name}, {what}: {(status is null ? "no answer" : status.ToString())} {Clip(message)}");
            }
            var health = await new Health.HealthClient(gateway.Host.Client(Keys.Admin)).CheckAsync(new HealthCheckRequest(),
                cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        }
    }

    private static IEnumerable<(string Method, IMessage Request)> ValidRequests()
    {
        var scenario = Requests.SzegedLateWithMinimumPrice();
        yield return ("RunScenario", new RunScenarioRequest { Scenario = scenario, Filter = new ResultFilter { Owners = { "byd" }, Years = { 2027 } } });
        yield return ("CompareScenario", new CompareScenarioRequest { Scenario = Requests.EuTariff(0.2) });
        yield return ("ExplainScenario", new ExplainScenarioRequest { Scenario = scenario, Metric = ExplainedMetric.Units });
        yield return ("SubmitBatch", new SubmitBatchRequest { BatchId = "hostile", Spec = Requests.ScenarioBatch(2) });
        yield return ("RunSweep", new RunSweepRequest { Sweep = Requests.SweepBatch(3).Sweep });
        yield return ("RunMonteCarlo", new RunMonteCarloRequest
        {
            MonteCarlo = new MonteCarloSpec { Scenario = Requests.EuTariff(0.3), Draws = 4, Seed = 1, Metrics = { Requests.BydEuropeUnits() } },
        });
        yield return ("RunSensitivity", new RunSensitivityRequest { Scenario = Requests.EuTariff(0.3), Metric = Requests.BydEuropeUnits(), Parameters = { "demand.nestingLambda" } });
    }

    private static string Clip(string text) => text.Length <= 300 ? text : text[..300] + "...";

    private static byte[] Frame(byte[] payload, bool compressed) => RawGrpc.Frame(payload, compressed);

    private static byte[] Gzip(byte[] payload)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(payload);
        }
        return output.ToArray();
    }

    /// <summary>Random messages of a request type, every field drawn from values that break naive code.</summary>
    private sealed class ShapedMessages(Random random)
    {
        private static readonly string[] Strings =
        [
            "", " ", "byd", "eu", "de", "hu", "byd-szeged", "2026-01-01", "9999-12-31", "0001-01-01", "2026-13-45", "levers[0].rate",
            "NaN", "-1", "2025.2.0+r3", "\0", "\u202e\u0007", "🚗🔋", "a b", "../../etc/passwd", "%00%ff", "{\"name\":1}", "null",
            new string('x', 100_000), new string('é', 5_000),
        ];

        private static readonly double[] Doubles =
            [double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, -double.MaxValue, double.Epsilon, 0, -0.0, -1, 1, 1e308, 0.2, 35_000];

        private static readonly long[] Integers = [long.MinValue, long.MaxValue, int.MinValue, int.MaxValue, -1, 0, 1, 12, 2025, 2030, 2100, 1_000_000];

        public IMessage Build(MessageDescriptor type, int depth)
        {
            var message = type.Parser.ParseFrom(ByteString.Empty);
            foreach (var field in type.Fields.InFieldNumberOrder())
            {
                if (random.Next(3) == 0)
                {
                    continue;
                }
                if (field.IsMap)
                {
                    var map = (IDictionary)field.Accessor.GetValue(message);
                    for (var i = random.Next(4); i > 0; i--)
                    {
                        map[Value(field.MessageType.FindFieldByNumber(1), depth)] = Value(field.MessageType.FindFieldByNumber(2), depth);
                    }
                }
                else if (field.IsRepeated)
                {
                    var list = (IList)field.Accessor.GetValue(message);
                    for (var i = random.Next(random.Next(8) == 0 ? 200 : 5); i > 0; i--)
                    {
                        list.Add(Value(field, depth));
                    }
                }
                else
                {
                    field.Accessor.SetValue(message, Value(field, depth));
                }
            }
            return message;
        }

        /// <summary>Sets one field that is set (or unset) somewhere in <paramref name="message"/> to a hostile value; returns its path.</summary>
        public string Mutate(IMessage message)
        {
            var path = "";
            while (true)
            {
                var fields = message.Descriptor.Fields.InFieldNumberOrder().Where(f => !f.IsMap).ToList();
                var field = fields[random.Next(fields.Count)];
                path += (path.Length > 0 ? "." : "") + field.Name;
                if (field.IsRepeated)
                {
                    var list = (IList)field.Accessor.GetValue(message);
                    if (list.Count > 0 && field.FieldType == FieldType.Message && random.Next(2) == 0)
                    {
                        var index = random.Next(list.Count);
                        path += $"[{index}]";
                        message = (IMessage)list[index]!;
                        continue;
                    }
                    list.Add(Value(field, depth: 3));
                    return path + "[+]";
                }
                if (field.FieldType == FieldType.Message && field.Accessor.HasValue(message) && random.Next(3) > 0)
                {
                    message = (IMessage)field.Accessor.GetValue(message);
                    continue;
                }
                field.Accessor.SetValue(message, Value(field, depth: 3));
                return path;
            }
        }

        private object Value(FieldDescriptor field, int depth) => field.FieldType switch
        {
            FieldType.String => Strings[random.Next(Strings.Length)] + (random.Next(4) == 0 ? random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture) : ""),
            FieldType.Double => Doubles[random.Next(Doubles.Length)],
            FieldType.Float => (float)Doubles[random.Next(Doubles.Length)],
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => (int)Math.Clamp(Integers[random.Next(Integers.Length)], int.MinValue, int.MaxValue),
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Integers[random.Next(Integers.Length)],
            FieldType.UInt32 or FieldType.Fixed32 => (uint)Math.Clamp(Integers[random.Next(Integers.Length)], 0, uint.MaxValue),
            FieldType.UInt64 or FieldType.Fixed64 => (ulong)Math.Max(0, Integers[random.Next(Integers.Length)]),
            FieldType.Bool => random.Next(2) == 0,
            FieldType.Bytes => ByteString.CopyFrom(Encoding.UTF8.GetBytes(Strings[random.Next(Strings.Length)])),
            FieldType.Enum => Enum.ToObject(field.EnumType.ClrType, random.Next(5) == 0 ? 999 : field.EnumType.Values[random.Next(field.EnumType.Values.Count)].Number),
            FieldType.Message => depth < 4 ? Build(field.MessageType, depth + 1) : field.MessageType.Parser.ParseFrom(ByteString.Empty),
            _ => throw new NotSupportedException(field.FieldType.ToString()),
        };
    }

    /// <summary>An embedded gateway of its own, with small limits, reached with raw HTTP/2 as a hostile client would.</summary>
    public sealed class Gateway : IAsyncLifetime
    {
        public const int MaxReceiveMessageBytes = 1024 * 1024;

        private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(90) }; // a call longer than this is a hang

        public GatewayHost Host { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Host = await GatewayHost.Start(new Dictionary<string, string?>
            {
                ["NevGrains:Gateway:Mode"] = "Embedded",
                ["NevGrains:Gateway:Auth:AllowAnonymousOnLoopback"] = "false",
                ["NevGrains:Gateway:Auth:ApiKeys:0:Key"] = Keys.Admin,
                ["NevGrains:Gateway:Auth:ApiKeys:0:Caller"] = "ada",
                ["NevGrains:Gateway:Auth:ApiKeys:0:Roles:0"] = "admin",
                ["NevGrains:Gateway:Limits:MaxBatchItems"] = "20",
                ["NevGrains:Gateway:Limits:MaxExperimentRuns"] = "20",
                ["NevGrains:Gateway:Limits:RequestsPerSecondPerCaller"] = "10000",
                ["NevGrains:Gateway:Limits:MaxReceiveMessageBytes"] = MaxReceiveMessageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            await Host.Started;
        }

        public async ValueTask DisposeAsync()
        {
            http.Dispose();
            await Host.DisposeAsync();
        }

        /// <summary>Posts <paramref name="body"/> to <paramref name="path"/> as a gRPC call (10 s deadline); null status if none came.</summary>
        public async Task<(StatusCode? Status, string Message)> Send(string path, byte[] body, string? encoding)
        {
            try
            {
                return await RawGrpc.Send(http, Host.Address, path, body, Keys.Admin, encoding, timeout: "10S");
            }
            catch (TaskCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                return (null, "no answer within 90 s");
            }
            catch (HttpRequestException ex)
            {
                return (null, $"the connection failed: {ex.Message}");
            }
        }
    }
}
