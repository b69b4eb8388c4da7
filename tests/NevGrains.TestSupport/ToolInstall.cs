namespace NevGrains.TestSupport;

/// <summary>
/// Installs a folder's npm packages once per clone, whichever test assembly gets there first: test assemblies run in parallel,
/// and two <c>npm ci</c> in one folder break each other (ENOTEMPTY). A lock file serialises them; a marker written after a
/// complete install tells the others (and later runs) that nothing is left to do.
/// </summary>
public static class ToolInstall
{
    private const string Marker = ".nevgrains-installed";

    public static async Task NpmCi(string folder)
    {
        var marker = Path.Combine(folder, "node_modules", Marker);
        if (File.Exists(marker))
        {
            return;
        }
        using var held = await Lock(Path.Combine(folder, ".npm-install.lock"), TimeSpan.FromMinutes(10));
        if (File.Exists(marker))
        {
            return; // another test assembly installed it while this one waited
        }
        await ExternalProcess.Run("npm", "ci --no-audit --no-fund --loglevel=error", folder, TimeSpan.FromMinutes(5));
        await File.WriteAllTextAsync(marker, DateTime.UtcNow.ToString("O"));
    }

    /// <summary>An exclusive handle on <paramref name="path"/>: the operating system releases it if the holder dies.</summary>
    private static async Task<FileStream> Lock(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
