using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using NevGrains.TestSupport;

namespace NevGrains.Silo.Tests.Support;

/// <summary>A silo or gateway process built by this solution, started with its own environment, its output kept for failures.</summary>
public sealed class HostProcess : IDisposable
{
    private static readonly string Configuration = typeof(HostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "Configuration").Value!;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _watches = [];
    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _disposed;

    private static readonly Regex ListeningLine = new(@"Now listening on: https?://[^\s]+:(\d+)", RegexOptions.CultureInvariant);

    private HostProcess(string name, string project, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        var folder = Path.Combine(RepositoryPaths.Root, "src", project, "bin", Configuration, "net10.0");
        var dll = Path.Combine(folder, project + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is missing: build the solution ({Configuration}) first", dll);
        }
        // The process's folder is its content root, so its own appsettings.json applies, as in deploy/local/cluster.sh.
        var start = new ProcessStartInfo("dotnet", $"\"{dll}\"")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        start.Environment["DOTNET_gcServer"] = "0"; // several processes share two cores here
        // Kestrel binds port 0 and says which port it got in this log line (see ListeningPort).
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// The HTTP port Kestrel bound, from its "Now listening on" line: hosts are started with <c>Urls=http://127.0.0.1:0</c>,
    /// so the port comes from the component that binds it. Fails if the process exits first.
    /// </summary>
    public async Task<int> ListeningPort(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var exited = _process.WaitForExitAsync(cancel.Token);
        var first = await Task.WhenAny(_listening.Task, exited);
        if (first == _listening.Task)
        {
            return await _listening.Task;
        }
        throw new InvalidOperationException(cancel.IsCancellationRequested
            ? $"{Name} did not report a listening port within {timeout}:\n{Output()}"
            : $"{Name} exited ({_process.ExitCode}) before listening:\n{Output()}");
    }

    public static HostProcess Start(string name, string project, IReadOnlyDictionary<string, string> environment) => new(name, project, environment);

    /// <summary>SIGKILL: no shutdown, no goodbye to the cluster (a crashed machine or an OOM kill).</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public async Task<bool> WaitForExit(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Completes when the process writes a line containing <paramref name="text"/> from now on (the captured output is capped; this is not).</summary>
    public Task Logged(string text)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_watches)
        {
            _watches.Add((text, seen));
        }
        return seen.Task;
    }

    public string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        var listening = ListeningLine.Match(line);
        if (listening.Success)
        {
            _listening.TrySetResult(int.Parse(listening.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
        lock (_watches)
        {
            foreach (var (text, seen) in _watches)
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    seen.TrySetResult();
                }
            }
        }
        lock (_output)
        {
            if (_output.Length < 200_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }
}
