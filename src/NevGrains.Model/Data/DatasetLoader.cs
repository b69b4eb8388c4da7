using System.Collections.Immutable;
using System.Text.Json;

namespace NevGrains.Model.Data;

/// <summary>
/// Reads a dataset folder (<c>dataset.json</c>, <c>sources.json</c>, <c>competitors.json</c>, <c>freight.json</c>,
/// <c>markets/*.json</c>, <c>brands/*.json</c>, <c>tariffs/*.json</c>) and validates it. Every issue names its file.
/// </summary>
public static class DatasetLoader
{
    public const string ManifestFile = "dataset.json";
    public const string SourcesFile = "sources.json";
    public const string CompetitorsFile = "competitors.json";
    public const string FreightFile = "freight.json";
    public const string MarketsFolder = "markets";
    public const string BrandsFolder = "brands";
    public const string TariffsFolder = "tariffs";

    /// <summary>Loads and validates; throws <see cref="DatasetException"/> listing every error.</summary>
    public static Dataset LoadFolder(string folder)
    {
        var dataset = ReadFolder(folder, out var issues);
        if (dataset is null || issues.Count > 0)
        {
            throw new DatasetException(issues);
        }
        return EnsureValid(dataset);
    }

    /// <summary>Reads the files of a folder without validating references and ranges; parse errors are collected.</summary>
    public static Dataset? ReadFolder(string folder, out List<DataIssue> issues)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            issues = [new DataIssue(folder, "dataset", "(folder)", "the dataset folder does not exist")];
            return null;
        }
        foreach (var path in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(folder, path).Replace('\\', '/');
            files[relative] = File.ReadAllText(path);
        }
        return Read(files, out issues);
    }

    /// <summary>The baseline shipped inside this assembly (built from <c>data/baseline/</c>), validated.</summary>
    public static Dataset LoadEmbeddedBaseline()
    {
        var assembly = typeof(DatasetLoader).Assembly;
        const string prefix = "baseline/";
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            files[name[prefix.Length..]] = reader.ReadToEnd();
        }
        var dataset = Read(files, out var issues);
        if (dataset is null || issues.Count > 0)
        {
            throw new DatasetException(issues.Count > 0 ? issues : [new DataIssue("(embedded)", "dataset", "(resources)", "no embedded baseline in " + assembly.GetName().Name)]);
        }
        return EnsureValid(dataset);
    }

    /// <summary>Reads a dataset from file contents keyed by their path relative to the dataset folder.</summary>
    public static Dataset? Read(IReadOnlyDictionary<string, string> files, out List<DataIssue> issues)
    {
        var found = new List<DataIssue>();
        issues = found;

        T? ReadOne<T>(string file, string entity) where T : class
        {
            if (!files.TryGetValue(file, out var json))
            {
                found.Add(new DataIssue(file, entity, "(file)", "the file is missing"));
                return null;
            }
            return Parse<T>(file, entity, json, found);
        }

        ImmutableArray<T> ReadMany<T>(string folder, string entity) where T : class
        {
            var builder = ImmutableArray.CreateBuilder<T>();
            foreach (var (file, json) in files.Where(f => f.Key.StartsWith(folder + "/", StringComparison.Ordinal)).OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var item = Parse<T>(file, $"{entity} {Path.GetFileNameWithoutExtension(file)}", json, found);
                if (item is not null)
                {
                    builder.Add(item);
                }
            }
            return builder.ToImmutable();
        }

        var manifest = ReadOne<DatasetManifest>(ManifestFile, "dataset");
        var sources = ReadOne<SourceEntry[]>(SourcesFile, "sources");
        var competitors = ReadOne<CompetitorData[]>(CompetitorsFile, "competitors");
        var freight = ReadOne<FreightLane[]>(FreightFile, "freight");
        var markets = ReadMany<MarketData>(MarketsFolder, "market");
        var brands = ReadMany<BrandData>(BrandsFolder, "brand");
        var tariffs = ReadMany<TariffSchedule>(TariffsFolder, "tariffs");

        if (manifest is null || sources is null || competitors is null || freight is null)
        {
            return null;
        }
        return new Dataset(manifest, [.. sources], markets, brands, [.. competitors], tariffs, [.. freight]);
    }

    /// <summary>Throws <see cref="DatasetException"/> unless the dataset validates without errors.</summary>
    public static Dataset EnsureValid(Dataset dataset)
    {
        var report = DatasetValidator.Validate(dataset);
        if (report.Errors.Count > 0)
        {
            throw new DatasetException(report.Errors);
        }
        return dataset;
    }

    /// <summary>Writes the dataset in the folder layout <see cref="ReadFolder"/> reads.</summary>
    public static void WriteFolder(Dataset dataset, string folder)
    {
        foreach (var (file, json) in ToFiles(dataset))
        {
            var path = Path.Combine(folder, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, json);
        }
    }

    /// <summary>The dataset as file contents keyed by relative path, in the layout of a dataset folder.</summary>
    public static IReadOnlyDictionary<string, string> ToFiles(Dataset dataset)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [ManifestFile] = DatasetJson.Serialize(dataset.Manifest) + "\n",
            [SourcesFile] = DatasetJson.Serialize(dataset.Sources) + "\n",
            [CompetitorsFile] = DatasetJson.Serialize(dataset.Competitors) + "\n",
            [FreightFile] = DatasetJson.Serialize(dataset.Freight) + "\n",
        };
        foreach (var market in dataset.Markets)
        {
            files[$"{MarketsFolder}/{market.Id}.json"] = DatasetJson.Serialize(market) + "\n";
        }
        foreach (var brand in dataset.Brands)
        {
            files[$"{BrandsFolder}/{brand.Id}.json"] = DatasetJson.Serialize(brand) + "\n";
        }
        foreach (var schedule in dataset.Tariffs)
        {
            files[$"{TariffsFolder}/{schedule.Jurisdiction}.json"] = DatasetJson.Serialize(schedule) + "\n";
        }
        return files;
    }

    private static T? Parse<T>(string file, string entity, string json, List<DataIssue> issues) where T : class
    {
        try
        {
            return DatasetJson.Deserialize<T>(json);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1})" : "";
            issues.Add(new DataIssue(file, entity, ex.Path ?? "$", FirstSentence(ex.Message) + where));
            return null;
        }
    }

    // System.Text.Json appends "Path: ... | LineNumber: ..." to its messages; the issue already carries both.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
