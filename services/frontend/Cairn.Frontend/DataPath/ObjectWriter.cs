using System.Buffers;
using System.Security.Cryptography;
using Cairn.ErasureCoding;
using Cairn.Frontend.Backends;
using Cairn.Frontend.Telemetry;
using Cairn.S3.Protocol;
using Microsoft.Extensions.Options;

namespace Cairn.Frontend.DataPath;

/// <summary>
/// The PUT data path: the verified payload is read in pooled units (a block for replicas, a stripe of k blocks
/// for erasure coding) and each unit is stored while the next one is read. MD5 and the requested checksums are
/// computed once per byte, on the thread pool, overlapping the shard writes and the next read. Shards are
/// committed (durable) only after the whole payload has been read and verified; the caller commits metadata
/// after that. Any failure disposes the writers without a commit, so storage nodes discard the partial shards.
/// </summary>
public sealed class ObjectWriter(IShardPlacement placement, IShardStorage storage, RedundancyPolicy policy, IOptions<FrontendOptions> options, FrontendMetrics metrics)
{
    /// <summary>The storage class to record for x-amz-storage-class; throws InvalidStorageClass for one not configured.</summary>
    public string StorageClassOf(string? requested) => policy.NormalizeStorageClass(requested);

    /// <param name="sizeHint">Declared payload size (0 when unknown): chooses the redundancy and the placement size.</param>
    /// <param name="storageClass">x-amz-storage-class (null = STANDARD): chooses the erasure-coding scheme.</param>
    /// <param name="verify">Called with the digest at the end of the payload and before any shard is committed;
    /// it throws (BadDigest, ...) to abort the write.</param>
    public async Task<StoredData> WriteAsync(Stream payload, string bucket, long sizeHint, string? storageClass, IReadOnlyCollection<ChecksumAlgorithm> algorithms, Action<PayloadDigest> verify, CancellationToken ct)
    {
        var settings = options.Value;
        var redundancy = policy.Choose(storageClass, sizeHint);
        await using var sink = CreateSink(bucket, redundancy, sizeHint);
        var unitSize = sink.UnitSize;
        var current = ArrayPool<byte>.Shared.Rent(unitSize);
        var next = ArrayPool<byte>.Shared.Rent(unitSize);
        using var hash = new PayloadHash(algorithms);
        Task pending = Task.CompletedTask;
        try
        {
            var length = await FillAsync(payload, current.AsMemory(0, unitSize), ct);
            long size = 0;
            while (length > 0)
            {
                size += length;
                if (size > settings.MaxObjectSize)
                {
                    throw S3Errors.EntityTooLarge();
                }
                var blocks = sink.Prepare(current.AsMemory(0, unitSize), length);
                // The previous unit's writes and hashing must finish: shard streams are sequential, MD5 is ordered.
                await pending;
                var unit = current.AsMemory(0, length);
                pending = Task.WhenAll(sink.WriteAsync(blocks, ct), Task.Run(() => hash.Append(unit.Span), ct));
                (current, next) = (next, current);
                length = await FillAsync(payload, current.AsMemory(0, unitSize), ct);
            }
            await pending;
            metrics.AddBytesIn(size);

            var digest = hash.Complete(size);
            verify(digest);
            var layout = await sink.CommitAsync(size, ct);
            return new StoredData(layout, digest);
        }
        finally
        {
            // A write or hash still in flight references a pooled buffer: let it finish before returning it.
            await pending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    private IPayloadSink CreateSink(string bucket, Redundancy redundancy, long sizeHint)
    {
        var blockSize = options.Value.BlockSize;
        if (!redundancy.ErasureCoded)
        {
            var copies = redundancy.TotalShards;
            return new ReplicatedSink(new LazyShardSet(placement, storage, bucket, copies, blockSize, sizeHint), copies, blockSize);
        }
        var shardLength = new StripeLayout(sizeHint, redundancy.DataShards, redundancy.ParityShards, blockSize).ShardLength;
        var shards = new LazyShardSet(placement, storage, bucket, redundancy.TotalShards, blockSize, shardLength);
        return new ErasureCodedSink(shards, redundancy.DataShards, redundancy.ParityShards, blockSize);
    }

    /// <summary>Fills the unit completely unless the payload ends, so every unit but the last is full.</summary>
    private static async Task<int> FillAsync(Stream payload, Memory<byte> unit, CancellationToken ct)
    {
        var filled = 0;
        while (filled < unit.Length)
        {
            var read = await payload.ReadAsync(unit[filled..], ct);
            if (read == 0)
            {
                break;
            }
            filled += read;
        }
        return filled;
    }

    /// <summary>MD5 (the ETag) and the requested checksums, fed in payload order.</summary>
    private sealed class PayloadHash : IDisposable
    {
#pragma warning disable CA5351 // S3 defines the ETag as MD5 of the bytes: an identifier, not a security control.
        private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
        private readonly List<(ChecksumAlgorithm Algorithm, ChecksumCalculator Calculator)> _checksums;

        public PayloadHash(IReadOnlyCollection<ChecksumAlgorithm> algorithms) =>
            _checksums = algorithms.Distinct().Select(a => (a, ChecksumCalculator.Create(a))).ToList();

        public void Append(ReadOnlySpan<byte> data)
        {
            _md5.AppendData(data);
            foreach (var (_, calculator) in _checksums)
            {
                calculator.Append(data);
            }
        }

        public PayloadDigest Complete(long size) =>
            new(size, _md5.GetHashAndReset(), _checksums.ToDictionary(c => c.Algorithm, c => c.Calculator.GetBase64()));

        public void Dispose()
        {
            _md5.Dispose();
            foreach (var (_, calculator) in _checksums)
            {
                calculator.Dispose();
            }
        }
    }
}
