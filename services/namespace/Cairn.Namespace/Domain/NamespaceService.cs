using Cairn.Common.V1;
using Cairn.Namespace.Store;
using Cairn.Namespace.Telemetry;
using Cairn.Namespace.V1;

namespace Cairn.Namespace.Domain;

/// <summary>
/// S3 namespace semantics over an <see cref="INamespaceStore"/>: one partial file per capability
/// (buckets, objects, listing, multipart, shard index). Every mutation is one store transaction; the garbage it
/// creates is published only after that transaction commits.
/// </summary>
public sealed partial class NamespaceService(
    INamespaceStore store,
    IGarbageSink garbageSink,
    NamespaceMetrics metrics,
    TimeProvider time,
    ILogger<NamespaceService> logger)
{
    public const int MaxPageSize = 1000;

    private long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static int PageSize(uint requested) => requested == 0 ? MaxPageSize : (int)Math.Min(requested, MaxPageSize);

    private async Task<T> Run<T>(string operation, Func<Task<T>> body)
    {
        using var op = metrics.Begin(operation);
        try
        {
            return await body();
        }
        catch (NamespaceException e)
        {
            op.Fail(e.Code);
            throw;
        }
    }

    private async Task PublishGarbageAsync(string bucket, string key, string reason, IReadOnlyList<ShardLayout> layouts)
    {
        if (layouts.Count == 0)
        {
            return;
        }

        var garbage = new ObjectGarbageEvent { Bucket = bucket, Key = key, Reason = reason };
        garbage.Layouts.AddRange(layouts);
        metrics.GarbageLayouts(reason, layouts.Count);

        // The transaction is committed: the caller's answer must not depend on the bus (the publisher queues and
        // retries; a lost event leaves an orphan shard for reconciliation, never a lost object).
        try
        {
            await garbageSink.PublishAsync(garbage, CancellationToken.None);
        }
        catch (Exception e)
        {
            NamespaceLog.GarbagePublishFailed(logger, e, bucket, key, reason, layouts.Count);
        }
    }

    private static Bucket RequireBucket(INamespaceReader reader, string name) =>
        reader.GetBucket(name) ?? throw NamespaceException.NotFound(ErrorCodes.NoSuchBucket);

    private static void ValidateLayouts(IEnumerable<ObjectPart> parts)
    {
        foreach (var part in parts)
        {
            foreach (var shard in part.Layout?.Shards ?? [])
            {
                if (string.IsNullOrEmpty(shard.ShardId) || string.IsNullOrEmpty(shard.DiskId))
                {
                    throw NamespaceException.Invalid(ErrorCodes.InvalidArgument);
                }
            }
        }
    }
}
