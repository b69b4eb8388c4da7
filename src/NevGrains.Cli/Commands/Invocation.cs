using System.CommandLine;
using Grpc.Core;
using NevGrains.Api.Errors;
using NevGrains.Cli.Connection;
using NevGrains.Cli.Files;
using Spectre.Console;

namespace NevGrains.Cli.Commands;

/// <summary>The options every service command takes: where the service is and the caller's key.</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Server = new("--server")
    {
        Description = $"The gateway's address, e.g. http://127.0.0.1:5080 (default: ${ServerOptions.ServerVariable}; without either, an embedded in-process service)",
        Recursive = true,
    };

    public static readonly Option<string?> ApiKey = new("--api-key")
    {
        Description = $"The caller's API key (default: ${ServerOptions.ApiKeyVariable})",
        Recursive = true,
    };

    public static ServerOptions Read(ParseResult parse)
    {
        var server = parse.GetValue(Server) ?? Environment.GetEnvironmentVariable(ServerOptions.ServerVariable);
        var key = parse.GetValue(ApiKey) ?? Environment.GetEnvironmentVariable(ServerOptions.ApiKeyVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            return new ServerOptions(null, key);
        }
        if (!Uri.TryCreate(server.Contains("://", StringComparison.Ordinal) ? server : "http://" + server, UriKind.Absolute, out var uri))
        {
            throw new InputFileException("--server", server, "not an address such as http://127.0.0.1:5080");
        }
        return new ServerOptions(uri, key);
    }
}

/// <summary>A request the service rejected as invalid, with the input file it came from and the request field that file fills.</summary>
public sealed class RejectedInputException(string file, string requestPrefix, RpcException rejection) : Exception(rejection.Status.Detail)
{
    /// <summary>Every issue, in the file's terms: "levers[0].tariff.rate: must be ≥ 0".</summary>
    public IEnumerable<string> Issues()
    {
        var violations = FieldViolations.Of(rejection);
        var all = violations.Count > 0 ? violations.Select(v => $"{v.Field}: {v.Description}") : [rejection.Status.Detail];
        return all.Select(issue => $"{file}: {(issue.StartsWith(requestPrefix + ".", StringComparison.Ordinal) ? issue[(requestPrefix.Length + 1)..] : issue)}");
    }
}

/// <summary>Runs a service command: connects (or starts the embedded service), and turns failures into messages and exit codes.</summary>
public static class Invocation
{
    public static Task<int> Run(ParseResult parse, TextWriter output, TextWriter error, CancellationToken cancellationToken,
        Func<NevClient, IAnsiConsole, CancellationToken, Task<int>> body) =>
        Run(parse, output, error, cancellationToken, () => true, (_, client, console, token) => body(client, console, token));

    /// <summary>Reads and checks the inputs first (<paramref name="prepare"/>), so a bad file fails before any service starts.</summary>
    public static async Task<int> Run<TInput>(ParseResult parse, TextWriter output, TextWriter error, CancellationToken cancellationToken,
        Func<TInput> prepare, Func<TInput, NevClient, IAnsiConsole, CancellationToken, Task<int>> body)
    {
        try
        {
            var options = GlobalOptions.Read(parse);
            var input = prepare();
            await using var client = await NevClient.Connect(options, error, cancellationToken);
            return await body(input, client, Terminal.Create(output), cancellationToken);
        }
        catch (InputFileException ex)
        {
            error.WriteLine($"error: {ex.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (RejectedInputException ex)
        {
            foreach (var issue in ex.Issues())
            {
                error.WriteLine($"error: {issue}");
            }
            return ExitCodes.InvalidInput;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument && FieldViolations.Of(ex) is { Count: > 0 } violations)
        {
            foreach (var violation in violations)
            {
                error.WriteLine($"error: {ResultOptions.Named($"{violation.Field}: {violation.Description}")}");
            }
            return ExitCodes.InvalidInput;
        }
        catch (RpcException ex)
        {
            error.WriteLine($"error: {Describe(ex)}");
            return ex.StatusCode switch
            {
                StatusCode.InvalidArgument => ExitCodes.InvalidInput,
                StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown => ExitCodes.Unavailable,
                StatusCode.Cancelled when cancellationToken.IsCancellationRequested => ExitCodes.Interrupted,
                _ => ExitCodes.Refused,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error.WriteLine("interrupted");
            return ExitCodes.Interrupted;
        }
    }

    /// <summary>Calls the service with a request built from <paramref name="file"/>; invalid-argument answers name the file.</summary>
    public static async Task<T> FromFile<T>(string file, string requestPrefix, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument && ex.Status.Detail.StartsWith(requestPrefix, StringComparison.Ordinal))
        {
            throw new RejectedInputException(file, requestPrefix, ex);
        }
    }

    private static string Describe(RpcException ex) => ex.StatusCode switch
    {
        StatusCode.Unavailable => $"the service is unavailable ({ex.Status.Detail}); is the gateway running at the --server address?",
        StatusCode.Unauthenticated => "the service needs an API key: --api-key or $" + ServerOptions.ApiKeyVariable,
        StatusCode.PermissionDenied => $"not allowed: {ex.Status.Detail}",
        StatusCode.InvalidArgument => ResultOptions.Named(ex.Status.Detail),
        _ => $"{ex.StatusCode}: {ex.Status.Detail}",
    };
}
