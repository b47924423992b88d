using System.Diagnostics;
using System.Globalization;
using Cairn.Common.V1;
using Cairn.Namespace.Domain;
using Cairn.Namespace.Store;
using Cairn.Namespace.V1;

namespace Cairn.NsBench;

/// <summary>Fills a bucket with a <see cref="KeyTree"/> through the store's bulk loader, in batches.</summary>
public static class Loader
{
    private const int BatchSize = 10_000;

    /// <summary>Returns keys loaded per second.</summary>
    public static async Task<double> LoadAsync(BenchStore target, string bucket, KeyTree tree, CancellationToken ct)
    {
        await target.Service.CreateBucketAsync(bucket, "bench", "", ct);
        var loader = (INamespaceBulkLoader)target.Store;
        var clock = Stopwatch.StartNew();
        for (long start = 0; start < tree.Count; start += BatchSize)
        {
            var end = Math.Min(tree.Count, start + BatchSize);
            var batch = new List<VersionRecord>((int)(end - start));
            for (var i = start; i < end; i++)
            {
                batch.Add(Record(bucket, tree.Key(i), i));
            }

            await loader.BulkInsertNewKeysAsync(batch, ct);
        }

        await target.Analyze(ct);
        return tree.Count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>What a committed small object looks like: three replicas, real-looking headers.</summary>
    public static ObjectVersion Object(string bucket, string key, long n)
    {
        var etag = "\"" + n.ToString("x32", CultureInfo.InvariantCulture) + "\"";
        var size = (ulong)(1024 + (n * 7919 % (4 << 20)));
        var layout = new ShardLayout { Scheme = RedundancyScheme.Replicated, DataShards = 1, ParityShards = 2, BlockSize = 1 << 20, Size = size };
        for (uint r = 0; r < 3; r++)
        {
            layout.Shards.Add(new ShardLocation
            {
                Index = r,
                DiskId = string.Create(CultureInfo.InvariantCulture, $"node{(n + r) % 16:D2}-disk{n % 8}"),
                ShardId = string.Create(CultureInfo.InvariantCulture, $"{bucket}-{n:x12}-{r}"),
            });
        }

        return new ObjectVersion
        {
            Bucket = bucket,
            Key = key,
            VersionId = "null",
            Size = size,
            Etag = etag,
            ContentType = key.EndsWith(".jpg", StringComparison.Ordinal) ? "image/jpeg" : "application/octet-stream",
            Owner = "bench",
            LastModifiedUnixMs = 1_764_547_200_000 + n,
            Parts = { new ObjectPart { PartNumber = 1, Size = size, Etag = etag, Layout = layout } },
        };
    }

    private static VersionRecord Record(string bucket, string key, long n) =>
        new(bucket, ObjectKeys.Encode(key), 0, Object(bucket, key, n));
}
