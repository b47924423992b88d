using System.Diagnostics;
using System.Globalization;
using Cairn.Namespace.Domain;

namespace Cairn.NsBench;

public sealed record Latency(double P50Ms, double P99Ms, double MeanEntries);

/// <summary>The timed parts: listing pages at random positions, and PUT / GET throughput through NamespaceService.</summary>
public static class Measure
{
    public const int PageSize = 1000;
    public const string Bucket = "bench";
    private const int WarmupPages = 20;

    /// <summary>
    /// Pages from random start positions, alternating between the two stores page by page so that both see the
    /// same machine (JIT, caches, neighbours' load). Without a delimiter the pages span the whole bucket; with "/"
    /// they list under users/, where every entry is a common prefix the store must seek past.
    /// </summary>
    public static async Task<(Latency Small, Latency Big)> ListPagesAsync(
        (NamespaceService Service, KeyTree Tree) small, (NamespaceService Service, KeyTree Tree) big,
        bool delimiter, int pages, CancellationToken ct)
    {
        var random = new Random(delimiter ? 2 : 1);
        var samples = (Small: new List<double>(pages), Big: new List<double>(pages));
        var entries = (Small: 0L, Big: 0L);
        for (var i = 0; i < WarmupPages + pages; i++)
        {
            var (smallMs, smallEntries) = await PageAsync(small.Service, small.Tree, delimiter, random, ct);
            var (bigMs, bigEntries) = await PageAsync(big.Service, big.Tree, delimiter, random, ct);
            if (i >= WarmupPages)
            {
                samples.Small.Add(smallMs);
                samples.Big.Add(bigMs);
                entries.Small += smallEntries;
                entries.Big += bigEntries;
            }
        }

        return (Summarise(samples.Small, entries.Small, pages), Summarise(samples.Big, entries.Big, pages));
    }

    private static async Task<(double Ms, int Entries)> PageAsync(
        NamespaceService service, KeyTree tree, bool delimiter, Random random, CancellationToken ct)
    {
        var (prefix, delim, startAfter) = delimiter
            ? ("users/", "/", KeyTree.UserPrefix(random.NextInt64(Math.Max(1, tree.Users - PageSize))))
            : ("", "", tree.Key(random.NextInt64(Math.Max(1, tree.Count - PageSize))));
        var clock = Stopwatch.StartNew();
        var page = await service.ListObjectsAsync(Bucket, prefix, delim, startAfter, PageSize, ct);
        return (clock.Elapsed.TotalMilliseconds, page.Objects.Count + page.CommonPrefixes.Count);
    }

    private static Latency Summarise(List<double> samples, long entries, int pages)
    {
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
