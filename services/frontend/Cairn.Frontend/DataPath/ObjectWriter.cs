using System.Buffers;
using System.Security.Cryptography;
using Cairn.Common.V1;
using Cairn.Frontend.Backends;
using Cairn.Frontend.Telemetry;
using Cairn.S3.Protocol;
using Microsoft.Extensions.Options;

namespace Cairn.Frontend.DataPath;

/// <summary>
/// The PUT data path (replicated): the verified payload is read in pooled blocks of <c>Cairn:BlockSize</c>,
/// hashed once (MD5 for the ETag plus the requested checksums) and streamed to every replica, reading the next
/// block while the previous one is in flight. Shards are committed (durable) only after the whole payload has
/// been read and verified; the caller commits metadata after that. Any failure disposes the writers without a
/// commit, so the storage nodes discard the partial shards and nothing becomes visible.
/// </summary>
public sealed class ObjectWriter(IShardPlacement placement, IShardStorage storage, IOptions<FrontendOptions> options, FrontendMetrics metrics)
{
    /// <param name="verify">Called with the digest at the end of the payload and before any shard is committed;
    /// it throws (BadDigest, ...) to abort the write.</param>
    public async Task<StoredData> WriteAsync(Stream payload, string bucket, long sizeHint, IReadOnlyCollection<ChecksumAlgorithm> algorithms, Action<PayloadDigest> verify, CancellationToken ct)
    {
        var settings = options.Value;
        var blockSize = settings.BlockSize;
        var current = ArrayPool<byte>.Shared.Rent(blockSize);
        var next = ArrayPool<byte>.Shared.Rent(blockSize);
#pragma warning disable CA5351 // S3 defines the ETag as MD5 of the bytes: an identifier, not a security control.
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
        var calculators = algorithms.Distinct().Select(a => (Algorithm: a, Calculator: ChecksumCalculator.Create(a))).ToList();
        ReplicaSet? replicas = null;
        Task pending = Task.CompletedTask;
        try
        {
            var length = await FillAsync(payload, current.AsMemory(0, blockSize), ct);
            long size = 0;
            if (length > 0)
            {
                replicas = await ReplicaSet.OpenAsync(placement, storage, bucket, settings.Replicas, blockSize, Math.Max(sizeHint, length), ct);
            }
            while (length > 0)
            {
                size += length;
                if (size > settings.MaxObjectSize)
                {
                    throw S3Errors.EntityTooLarge();
                }
                var block = current.AsMemory(0, length);
                md5.AppendData(block.Span);
                foreach (var (_, calculator) in calculators)
                {
                    calculator.Append(block.Span);
                }
                await pending;
                pending = replicas!.WriteBlockAsync(block, ct);
                (current, next) = (next, current);
                length = await FillAsync(payload, current.AsMemory(0, blockSize), ct);
            }
            await pending;
            metrics.AddBytesIn(size);

            var digest = new PayloadDigest(size, md5.GetHashAndReset(), calculators.ToDictionary(c => c.Algorithm, c => c.Calculator.GetBase64()));
            verify(digest);

            var layout = new ShardLayout
            {
                Scheme = RedundancyScheme.Replicated,
                DataShards = 1,
                ParityShards = (uint)Math.Max(0, settings.Replicas - 1),
                BlockSize = (uint)blockSize,
                Size = (ulong)size,
            };
            if (replicas is not null)
            {
                await replicas.CommitAsync(ct);
                layout.Shards.AddRange(replicas.Locations);
            }
            return new StoredData(layout, digest);
        }
        finally
        {
            // A block write still in flight references a pooled buffer: let it finish before returning it.
            await pending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (replicas is not null)
            {
                // After a commit this is a no-op close; before it, it aborts the writes.
                await replicas.DisposeAsync();
            }
            foreach (var (_, calculator) in calculators)
            {
                calculator.Dispose();
            }
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    /// <summary>Fills the block completely unless the payload ends, so every block but the last is full.</summary>
    private static async Task<int> FillAsync(Stream payload, Memory<byte> block, CancellationToken ct)
    {
        var filled = 0;
        while (filled < block.Length)
        {
            var read = await payload.ReadAsync(block[filled..], ct);
            if (read == 0)
            {
                break;
            }
            filled += read;
        }
        return filled;
    }
}
