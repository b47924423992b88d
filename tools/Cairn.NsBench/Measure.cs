using System.Diagnostics;
using System.Globalization;
using Cairn.Namespace.Domain;

namespace Cairn.NsBench;

public sealed record Latency(double P50Ms, double P99Ms, double MeanEntries);

/// <summary>The timed parts: listing pages at random positions, and PUT / GET throughput through NamespaceService.</summary>
public static class Measure
{
    public const int PageSize = 1000;
    private const int WarmupPages = 10;

    /// <summary>
    /// Pages from random start positions: without a delimiter over the whole bucket; with "/" under users/, where
    /// every entry is a common prefix the scan must seek past.
    /// </summary>
    public static async Task<Latency> ListPagesAsync(
        NamespaceService service, string bucket, KeyTree tree, bool delimiter, int pages, int seed, CancellationToken ct)
    {
        var random = new Random(seed);
        var samples = new List<double>(pages);
        long entries = 0;
        for (var i = 0; i < WarmupPages + pages; i++)
        {
            var (prefix, delim, startAfter) = delimiter
                ? ("users/", "/", KeyTree.UserPrefix(random.NextInt64(Math.Max(1, tree.Users - PageSize))))
                : ("", "", tree.Key(random.NextInt64(Math.Max(1, tree.Count - PageSize))));
            var clock = Stopwatch.StartNew();
            var page = await service.ListObjectsAsync(bucket, prefix, delim, startAfter, PageSize, ct);
            var ms = clock.Elapsed.TotalMilliseconds;
            if (i >= WarmupPages)
            {
                samples.Add(ms);
                entries += page.Objects.Count + page.CommonPrefixes.Count;
            }
        }

        samples.Sort();
        return new Latency(Percentile(samples, 0.50), Percentile(samples, 0.99), (double)entries / pages);
    }

    /// <summary>New keys under bench-put/, <paramref name="concurrency"/> writers; returns commits per second.</summary>
    public static Task<double> PutAsync(NamespaceService service, string bucket, int ops, int concurrency, CancellationToken ct) =>
        ThroughputAsync(ops, concurrency, async (worker, i) =>
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"bench-put/w{worker:D2}/k{i:D8}");
            await service.PutObjectAsync(Loader.Object(bucket, key, (1L << 40) + (worker * (long)ops) + i), "", false, ct);
        });

    /// <summary>Random existing keys; returns reads per second.</summary>
    public static Task<double> GetAsync(NamespaceService service, string bucket, KeyTree tree, int ops, int concurrency, CancellationToken ct) =>
        ThroughputAsync(ops, concurrency, async (worker, i) =>
        {
            var key = tree.Key(Random.Shared.NextInt64(tree.Count));
            var got = await service.GetObjectAsync(bucket, key, "", ct);
            if (got.Key != key)
            {
                throw new InvalidOperationException($"GET {key} answered {got.Key}");
            }
        });

    private static async Task<double> ThroughputAsync(int ops, int concurrency, Func<int, int, Task> op)
    {
        var perWorker = Math.Max(1, ops / concurrency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWorker; i++)
            {
                await op(w, i);
            }
        })));
        return perWorker * concurrency / clock.Elapsed.TotalSeconds;
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
}
