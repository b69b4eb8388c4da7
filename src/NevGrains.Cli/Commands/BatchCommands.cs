using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CsvHelper;
using Google.Protobuf;
using Grpc.Core;
using NevGrains.Api.V1;
using NevGrains.Cli.Connection;
using NevGrains.Cli.Files;
using Spectre.Console;

namespace NevGrains.Cli.Commands;

/// <summary>
/// <c>nev batch</c>: thousands of scenarios as one durable batch, results streamed to a file with a live progress bar.
/// Running the same command again resumes: the batch id follows from the inputs, and results continue after the last row
/// already in the output file.
/// </summary>
public static class BatchCommands
{
    private const int MaxReconnects = 20;

    public static Command Build(TextWriter output, TextWriter error)
    {
        var input = new Argument<FileInfo>("input")
        {
            Description = "Scenarios as .jsonl (one scenario per line) or .csv (rows over --scenario), or a *.sweep.json / *.montecarlo.json to run as a batch",
        };
        var template = new Option<FileInfo?>("--scenario") { Description = "The template scenario a .csv's rows fill in" };
        var metrics = new Option<string[]>("--metric")
        {
            Description = "What to record per scenario, kind:owner:markets:year (repeatable), e.g. units:byd:eu:2030",
            AllowMultipleArgumentsPerToken = true,
        };
        var outFile = new Option<FileInfo>("--out") { Description = "Results file (.csv or .jsonl); appended to when resuming", Required = true };
        var id = new Option<string?>("--id") { Description = "Batch id (default: derived from the inputs, so the same command resumes the same batch)" };
        var chunk = new Option<int>("--chunk-size") { Description = "Items per chunk (default 50)" };
        var version = new Option<string?>("--dataset-version") { Description = "Dataset version to pin (default: current)" };
        var command = new Command("batch", "Run a batch of scenarios with a live progress bar; results stream to --out and an interrupted run resumes")
        {
            input, template, metrics, outFile, id, chunk, version,
        };
        command.SetAction((parse, cancellation) => Invocation.Run(parse, output, error, cancellation,
            () => (Path: parse.GetValue(input)!.FullName, Spec: Spec(parse.GetValue(input)!.FullName, parse.GetValue(template)?.FullName, parse.GetValue(metrics) ?? [], parse.GetValue(chunk))),
            async (prepared, client, console, token) =>
        {
            var (path, spec) = prepared;
            var batchId = parse.GetValue(id) ?? DerivedId(spec, parse.GetValue(version));
            var results = new ResultFile(parse.GetValue(outFile)!.FullName, Columns(spec));
            var submitted = await Invocation.FromFile(path, "spec", () => client.Batches.SubmitBatchAsync(
                new SubmitBatchRequest { BatchId = batchId, Spec = spec, DatasetVersion = parse.GetValue(version) ?? "" }, cancellationToken: token).ResponseAsync);
            var status = submitted.Status;
            var from = results.Open(status.Total);
            if (from >= status.Total) // Open checked they are indices 0..Total-1, in order
            {
                results.Dispose();
                // Already done. The embedded service started the batch afresh: stop it rather than compute it for nothing.
                if (client.IsEmbedded && status.State == BatchState.Running)
                {
                    await client.Batches.CancelBatchAsync(new CancelBatchRequest { BatchId = batchId }, cancellationToken: token);
                }
                console.MarkupLine($"All {status.Total:N0} results of batch [bold]{Markup.Escape(batchId)}[/] are already in {Markup.Escape(results.Path)}; nothing to do.");
                return ExitCodes.Ok;
            }
            console.MarkupLine($"Batch [bold]{Markup.Escape(batchId)}[/]: {status.Total:N0} items on dataset {Markup.Escape(status.DatasetVersion)}" +
                (from > 0 ? $", resuming after {from:N0} results already in {Markup.Escape(results.Path)}" : ""));
            if (client.IsEmbedded)
            {
                console.MarkupLine("[grey]The embedded service keeps the batch only while this command runs; give --server to run it on a cluster.[/]");
            }
            var written = await Stream(client, console, batchId, from, status.Total, results, token);
            results.Dispose();
            var final = (await client.Batches.GetBatchAsync(new GetBatchRequest { BatchId = batchId }, cancellationToken: token)).Status;
            console.MarkupLine($"{written:N0} results written to {Markup.Escape(results.Path)}; batch {final.State.ToString().ToLowerInvariant()}: " +
                               $"{final.Completed:N0} completed, {final.Failed:N0} failed");
            if (final.State == BatchState.Completed && !results.HoldsEvery(final.Total))
            {
                error.WriteLine($"error: {results.Path} does not hold each of the batch's {final.Total:N0} results exactly once; run the command again to resume");
                return ExitCodes.IncompleteResults;
            }
            return final.Failed > 0 ? ExitCodes.PartialFailure : ExitCodes.Ok;
        }));
        return command;
    }

    private static BatchSpec Spec(string path, string? templatePath, string[] metrics, int chunkSize)
    {
        var name = Path.GetFileName(path);
        if (path.EndsWith(".sweep.json", StringComparison.OrdinalIgnoreCase))
        {
            return new BatchSpec { Name = name, ChunkSize = chunkSize, Sweep = ProtoJsonFile.Read<SweepSpec>(path) };
        }
        if (path.EndsWith(".montecarlo.json", StringComparison.OrdinalIgnoreCase))
        {
            return new BatchSpec { Name = name, ChunkSize = chunkSize, MonteCarlo = ProtoJsonFile.Read<MonteCarloSpec>(path) };
        }
        if (metrics.Length == 0)
        {
            throw new InputFileException("--metric", "missing", "a batch of scenarios needs at least one metric, e.g. --metric units:byd:eu:2030");
        }
        var template = templatePath is null ? null : ProtoJsonFile.Read<Scenario>(templatePath);
        var list = new ScenarioList();
        list.Scenarios.AddRange(BatchInput.Read(path, template));
        list.Metrics.AddRange(metrics.Select(m => MetricOption.Parse(m)));
        return new BatchSpec { Name = name, ChunkSize = chunkSize, Scenarios = list };
    }

    /// <summary>The same inputs give the same id, so running a command again finds its batch.</summary>
    private static string DerivedId(BatchSpec spec, string? version)
    {
        var hash = SHA256.HashData([.. spec.ToByteArray(), .. Encoding.UTF8.GetBytes(version ?? "")]);
        return "nev-" + Convert.ToHexStringLower(hash)[..20];
    }

    private static string[] Columns(BatchSpec spec)
    {
        var metrics = spec.ItemsCase switch
        {
            BatchSpec.ItemsOneofCase.Sweep => spec.Sweep.Metrics,
            BatchSpec.ItemsOneofCase.MonteCarlo => spec.MonteCarlo.Metrics,
            _ => spec.Scenarios.Metrics,
        };
        var names = metrics.Select((m, i) => m.Name is { Length: > 0 } n ? n : $"metric{i}").ToList();
        var columns = new List<string> { "index", "label" };
        columns.AddRange(names);
        if (spec.ItemsCase == BatchSpec.ItemsOneofCase.MonteCarlo)
        {
            columns.AddRange(names.Select(n => n + " (base)"));
        }
        columns.Add("error");
        return [.. columns];
    }

    /// <summary>Streams results into the file from <paramref name="from"/>, reconnecting when the stream breaks.</summary>
    private static async Task<long> Stream(NevClient client, IAnsiConsole console, string batchId, long from, long total, ResultFile results,
        CancellationToken cancellationToken)
    {
        var next = from;
        var reconnects = 0;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("results", maxValue: Math.Max(1, total));
                task.Value = next;
                var started = DateTime.UtcNow;
                while (next < total)
                {
                    try
                    {
                        using var call = client.Batches.StreamBatchResults(new StreamBatchResultsRequest { BatchId = batchId, FromIndex = next },
                            cancellationToken: cancellationToken);
                        await foreach (var item in call.ResponseStream.ReadAllAsync(cancellationToken))
                        {
                            results.Write(item.Result);
                            next = item.Result.Index + 1;
                            task.Value = next;
                            var rate = (next - from) / Math.Max(0.001, (DateTime.UtcNow - started).TotalSeconds);
                            task.Description = $"{next:N0}/{total:N0} results, {rate:N0}/s";
                        }
                        if (next < total)
                        {
                            break; // the batch was cancelled: it has no more results
                        }
                    }
                    catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal && reconnects++ < MaxReconnects)
                    {
                        results.Flush();
                        task.Description = $"stream broke ({ex.StatusCode}); resuming at {next:N0}";
                        await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, reconnects * 2)), cancellationToken);
                    }
                }
            });
        return next - from;
    }

    /// <summary>
    /// The results file: CSV with a header, or JSON Lines. Each record goes to the operating system as soon as it is written, so
    /// a killed process loses at most the record it was writing; on resume a partial last record is cut off, the records are
    /// checked to be the indices 0, 1, 2, ... in order, and the stream resumes at the first missing index.
    /// </summary>
    private sealed class ResultFile(string path, string[] columns) : IDisposable
    {
        private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default);
        private FileStream? file;
        private StreamWriter? writer;
        private CsvWriter? csv;

        public string Path { get; } = path;

        private bool IsJsonLines => Path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);

        private string Header => string.Join(',', columns.Select(Quote));

        /// <summary>Opens for appending; returns the number of results already there (the index to resume from).</summary>
        public long Open(long total)
        {
            var (existing, validLength, hasHeader) = Scan(total);
            file = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            file.SetLength(validLength); // a record cut short by a kill is dropped and written again
            file.Seek(0, SeekOrigin.End);
            writer = new StreamWriter(file, new UTF8Encoding(false)) { NewLine = "\n" };
            if (!IsJsonLines)
            {
                csv = new CsvWriter(writer, new CsvHelper.Configuration.CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\n" }, leaveOpen: true);
                if (!hasHeader)
                {
                    foreach (var column in columns)
                    {
                        csv.WriteField(column);
                    }
                    csv.NextRecord();
                    Flush();
                }
            }
            return existing;
        }

        /// <summary>
        /// The complete records already in the file (each ended by a newline, each the next index in order), and the length in bytes
        /// they take with the header.
        /// </summary>
        private (long Records, long Length, bool HasHeader) Scan(long total)
        {
            if (!File.Exists(Path))
            {
                return (0, 0, false);
            }
            var bytes = File.ReadAllBytes(Path);
            long length = 0;
            long records = 0;
            var hasHeader = false;
            var line = 0;
            for (var start = 0; start < bytes.Length;)
            {
                var end = Array.IndexOf(bytes, (byte)'\n', start);
                if (end < 0)
                {
                    break; // the last record was cut short
                }
                var text = Encoding.UTF8.GetString(bytes, start, end - start).TrimEnd('\r');
                line++;
                if (!IsJsonLines && !hasHeader)
                {
                    if (text != Header)
                    {
                        throw new InputFileException(Path, "line 1", "exists with other columns: it holds another batch's results; remove it or choose another --out");
                    }
                    hasHeader = true;
                }
                else if (text.Length > 0)
                {
                    if (IndexOf(text) != records)
                    {
                        throw new InputFileException(Path, $"line {line}", $"should hold result {records}; the file is not this batch's results in order: remove it or choose another --out");
                    }
                    records++;
                }
                start = end + 1;
                length = start;
            }
            if (records > total)
            {
                throw new InputFileException(Path, "file", $"holds {records} results but the batch has {total} items; remove it or choose another --out");
            }
            return (records, length, hasHeader);
        }

        /// <summary>The index a record holds, or -1 if the line is not a whole record of this file's kind.</summary>
        private long IndexOf(string text)
        {
            try
            {
                if (IsJsonLines)
                {
                    return JsonParser.Default.Parse<BatchItemResult>(text).Index;
                }
                using var reader = new StringReader(text);
                using var parser = new CsvParser(reader, CultureInfo.InvariantCulture);
                return parser.Read() && parser.Record is { } fields && fields.Length == columns.Length
                    && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : -1;
            }
            catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or CsvHelperException)
            {
                return -1;
            }
        }

        public void Write(BatchItemResult result)
        {
            if (csv is null)
            {
                writer!.WriteLine(Json.Format(result));
            }
            else
            {
                csv.WriteField(result.Index);
                csv.WriteField(result.Label);
                foreach (var value in result.Values.Concat(result.BaseValues).Take(columns.Length - 3))
                {
                    csv.WriteField(value.ToString("R", CultureInfo.InvariantCulture));
                }
                for (var missing = result.Values.Count + result.BaseValues.Count; missing < columns.Length - 3; missing++)
                {
                    csv.WriteField(""); // a failed item has no values
                }
                csv.WriteField(result.Error);
                csv.NextRecord();
            }
            Flush(); // to the operating system: a killed process keeps every record it finished
        }

        /// <summary>After the batch completed: the file holds each of the batch's indices exactly once, in order.</summary>
        public bool HoldsEvery(long total)
        {
            Dispose();
            var (records, length, _) = Scan(total);
            return records == total && length == new FileInfo(Path).Length; // nothing after the last whole record
        }

        public void Flush()
        {
            csv?.Flush();
            writer?.Flush();
        }

        public void Dispose()
        {
            Flush();
            file?.Flush(flushToDisk: true);
            csv?.Dispose();
            writer?.Dispose();
            file?.Dispose();
            csv = null;
            writer = null;
            file = null;
        }

        private static string Quote(string column) => column.Contains(',', StringComparison.Ordinal) || column.Contains('"', StringComparison.Ordinal)
            ? $"\"{column.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
            : column;
    }
}
