using Cairn.Common.V1;
using Cairn.Namespace.Store;
using Cairn.Namespace.V1;

namespace Cairn.Namespace.Domain;

public sealed record ShardPage(IReadOnlyList<ShardReference> Shards, bool IsTruncated);

/// <summary>The shard index: which namespace entry references a shard, kept in the same transaction as every commit.</summary>
public sealed partial class NamespaceService
{
    public Task<ShardPage> ListShardsOnDiskAsync(string diskId, string startAfter, uint limit, CancellationToken ct) =>
        Run("ListShardsOnDisk", () => store.ReadAsync(r =>
        {
            var size = PageSize(limit);
            var rows = r.SeekShardsOnDisk(diskId, startAfter).Take(size + 1).ToList();
            var truncated = rows.Count > size;
            var page = rows.Take(size).Select(row => new ShardReference
            {
                ShardId = row.ShardId,
                DiskId = row.DiskId,
                Bucket = row.Bucket,
                Key = ObjectKeys.Decode(row.Key),
                VersionId = row.OwnerId,
                PartNumber = row.PartNumber,
                Index = row.Index,
                Layout = FindLayout(r, row)?.Clone(),
            }).ToList();
            return new ShardPage(page, truncated);
        }, ct));

    public Task<bool> IsShardReferencedAsync(string shardId, CancellationToken ct) =>
        Run("IsShardReferenced", () => store.ReadAsync(r => r.GetShard(shardId) is not null, ct));

    /// <summary>
    /// Repair moved a shard: swap its location in the owning layout, atomically, if it is still referenced.
    /// The old location becomes garbage (reason "shard-replaced").
    /// </summary>
    public Task<bool> ReplaceShardLocationAsync(string shardId, ShardLocation replacement, CancellationToken ct) =>
        Run("ReplaceShardLocation", async () =>
        {
            if (string.IsNullOrEmpty(replacement.ShardId) || string.IsNullOrEmpty(replacement.DiskId))
            {
                throw NamespaceException.Invalid(ErrorCodes.InvalidArgument);
            }

            var outcome = await store.WriteAsync(w =>
            {
                if (w.GetShard(shardId) is not { } row)
                {
                    return null;
                }

                if (replacement.Index != row.Index)
                {
                    throw NamespaceException.Invalid(ErrorCodes.InvalidArgument);
                }

                ShardLayout old;
                if (row.OwnerKind == ShardOwnerKind.Version)
                {
                    var before = w.GetVersion(row.Bucket, row.Key, row.OwnerId)!;
                    var updated = before.Object.Clone();
                    old = Swap(updated.Parts, row, replacement);
                    w.UpdateVersion(before, before with { Object = updated });
                }
                else
                {
                    var upload = w.GetUpload(row.Bucket, row.Key, row.OwnerId)!;
                    var part = w.GetPart(row.OwnerId, row.PartNumber)!;
                    var updated = part.Part.Clone();
                    old = Swap([updated], row, replacement);
                    w.UpdatePart(upload, part, part with { Part = updated });
                }

                var garbage = new GarbageList();
                garbage.Add(old);
                return new { row, Garbage = garbage.Collect(w) };
            }, ct);

            if (outcome is null)
            {
                return false;
            }

            await PublishGarbageAsync(outcome.row.Bucket, ObjectKeys.Decode(outcome.row.Key), "shard-replaced", outcome.Garbage);
            return true;
        });

    public Task<NamespaceStats> GetStatsAsync(CancellationToken ct) => Run("GetStats", () => ReadStatsAsync(ct));

    /// <summary>Stats without counting as an operation: the dashboard polls every second and must not skew the rates.</summary>
    internal Task<NamespaceStats> ReadStatsAsync(CancellationToken ct) =>
        store.ReadAsync(r =>
        {
            var c = r.GetCounters();
            var stats = new NamespaceStats
            {
                Buckets = (ulong)c.Buckets,
                Objects = (ulong)c.Objects,
                Versions = (ulong)c.Versions,
                Bytes = (ulong)c.Bytes,
                MultipartUploads = (ulong)c.Uploads,
            };
            foreach (var (name, count) in metrics.OperationCounts)
            {
                stats.Operations[name] = (ulong)count;
            }

            return stats;
        }, ct);

    /// <summary>Replaces the shard in place and returns a one-shard layout describing the old location.</summary>
    private static ShardLayout Swap(IEnumerable<ObjectPart> parts, ShardRow row, ShardLocation replacement)
    {
        var layout = parts.First(p => p.PartNumber == row.PartNumber).Layout;
        var at = layout.Shards.ToList().FindIndex(s => s.ShardId == row.ShardId);
        var old = layout.Clone();
        old.Shards.Clear();
        old.Shards.Add(layout.Shards[at]);
        layout.Shards[at] = replacement.Clone();
        return old;
    }

    private static ShardLayout? FindLayout(INamespaceReader r, ShardRow row) => row.OwnerKind == ShardOwnerKind.Version
        ? r.GetVersion(row.Bucket, row.Key, row.OwnerId)?.Object.Parts.FirstOrDefault(p => p.PartNumber == row.PartNumber)?.Layout
        : r.GetPart(row.OwnerId, row.PartNumber)?.Part.Layout;
}
