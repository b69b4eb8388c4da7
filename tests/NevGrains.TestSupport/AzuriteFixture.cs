using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace NevGrains.TestSupport;

/// <summary>
/// Starts Azurite (pinned in <c>tools/azurite</c>) on free loopback ports with a fresh data folder, for tests that need Azure
/// storage. It installs Azurite with npm on first use. When Azurite cannot start, the fixture throws: the tests fail, they do not skip.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _data = Path.Combine(Path.GetTempPath(), "nevgrains-azurite-" + Guid.NewGuid().ToString("N"));
    private readonly StringBuilder _log = new();
    private Process? _process;
    private ProcessStartInfo? _start;

    public string ConnectionString { get; private set; } = "";

    public int BlobPort { get; private set; }
    public int TablePort { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var tool = Path.Combine(RepositoryPaths.Root, "tools", "azurite");
        var executable = Path.Combine(tool, "node_modules", ".bin", "azurite");
        await ToolInstall.NpmCi(tool);
        BlobPort = LoopbackPorts.Free();
        var queuePort = LoopbackPorts.Free();
        TablePort = LoopbackPorts.Free();
        Directory.CreateDirectory(_data);
        var start = new ProcessStartInfo(executable,
            $"--blobHost 127.0.0.1 --blobPort {BlobPort} --queueHost 127.0.0.1 --queuePort {queuePort} --tableHost 127.0.0.1 --tablePort {TablePort} " +
            $"--location \"{_data}\" --silent --skipApiVersionCheck --loose --disableTelemetry")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _start = start;
        await Launch();
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
                           $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;" +
                           $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";
    }

    /// <summary>Starts Azurite again on the same ports and data after <see cref="Stop"/>.</summary>
    public Task Restart() => Launch();

    private async Task Launch()
    {
        _process?.Dispose();
        _process = Process.Start(_start!) ?? throw new InvalidOperationException("Azurite did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Listening(TablePort) || !Listening(BlobPort))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Azurite did not start (exit: {(_process.HasExited ? _process.ExitCode : "still running")}): {Log()}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Stops Azurite as if storage became unreachable; <see cref="Restart"/> brings it back with the same data.</summary>
    public void Stop()
    {
        if (_process is not { HasExited: false })
        {
            return;
        }
        // SIGTERM first: Azurite then saves its in-memory tables to disk; a hard kill would lose recent writes.
        using (var term = Process.Start(new ProcessStartInfo("kill", $"-TERM {_process.Id}") { UseShellExecute = false }))
        {
            term?.WaitForExit(5_000);
        }
        if (!_process.WaitForExit(15_000))
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>Freezes Azurite (SIGSTOP): connections are still accepted but nothing answers, as a stalled storage account. <see cref="Resume"/> thaws it.</summary>
    public void Pause() => Signal("STOP");

    public void Resume() => Signal("CONT");

    private void Signal(string signal)
    {
        if (_process is not { HasExited: false } process)
        {
            throw new InvalidOperationException("Azurite is not running");
        }
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {process.Id}") { UseShellExecute = false });
        kill?.WaitForExit(5_000);
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            Resume(); // a frozen process would not take SIGTERM
        }
        Stop();
        _process?.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the exiting emulator: the temp folder is cleaned up by the OS.
        }
        return ValueTask.CompletedTask;
    }

    public string Log()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
