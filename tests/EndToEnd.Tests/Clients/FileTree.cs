using System.Security.Cryptography;

namespace Cairn.EndToEnd.Tests.Clients;

/// <summary>Directory trees for sync scenarios: generated with awkward names, compared by path and SHA-256.</summary>
public static class FileTree
{
    /// <summary>
    /// Writes a nested tree: spaces, unicode, a '+', an empty file, one file above the 8 MiB multipart threshold
    /// of awscli and boto3. Deterministic for a seed.
    /// </summary>
    public static async Task CreateAsync(string root, int seed)
    {
        var random = new Random(seed);
        string[] files =
        [
            "readme.txt", "empty.bin", "a b/space name.txt", "a b/c/deep/leaf.dat", "unicodé/日本語.txt",
            "plus+sign/x+y.txt", "docs/2024/report.csv", "docs/2024/notes.md", "docs/2025/plan.md", "big/large.bin",
        ];
        foreach (var relative in files)
        {
            var size = relative switch
            {
                "empty.bin" => 0,
                "big/large.bin" => 9 * 1024 * 1024 + 17,
                _ => random.Next(1, 200_000),
            };
            var path = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var bytes = new byte[size];
            random.NextBytes(bytes);
            await File.WriteAllBytesAsync(path, bytes);
        }
    }

    /// <summary>Relative path (with '/') -> SHA-256 of every file under <paramref name="root"/>.</summary>
    public static async Task<SortedDictionary<string, string>> HashAsync(string root)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            result[relative] = await HashFileAsync(file);
        }
        return result;
    }

    public static async Task<string> HashFileAsync(string path)
    {
        await using var f = File.OpenRead(path);
        return Convert.ToHexString(await SHA256.HashDataAsync(f));
    }

    /// <summary>Streams random bytes to a file in 1 MiB blocks (never the whole file in memory).</summary>
    public static async Task WriteRandomFileAsync(string path, long size)
    {
        var buffer = new byte[1024 * 1024];
        await using var f = File.Create(path);
        for (long written = 0; written < size; written += buffer.Length)
        {
            RandomNumberGenerator.Fill(buffer);
            await f.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, size - written)));
        }
    }
}
