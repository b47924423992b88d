using Cairn.Namespace.Store;
using Cairn.Namespace.V1;

namespace Namespace.Tests.Support;

/// <summary>Counts rows the domain pulls from listing scans: the measure of a page's cost.</summary>
public sealed class CountingStore(INamespaceStore inner) : INamespaceStore
{
    private long _rows;

    public long RowsRead => Interlocked.Read(ref _rows);

    public Task<T> ReadAsync<T>(Func<INamespaceReader, T> read, CancellationToken ct) =>
        inner.ReadAsync(r => read(new Reader(r, this)), ct);

    public Task<T> WriteAsync<T>(Func<INamespaceWriter, T> write, CancellationToken ct) => inner.WriteAsync(write, ct);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private IEnumerable<TRow> Count<TRow>(IEnumerable<TRow> rows)
    {
        foreach (var row in rows)
        {
            Interlocked.Increment(ref _rows);
            yield return row;
        }
    }

    private sealed class Reader(INamespaceReader r, CountingStore owner) : INamespaceReader
    {
        public Bucket? GetBucket(string name) => r.GetBucket(name);

        public IReadOnlyList<Bucket> ListBuckets() => r.ListBuckets();

        public bool BucketHasContent(string bucket) => r.BucketHasContent(bucket);

        public VersionRecord? GetLatestVersion(string bucket, byte[] key) => r.GetLatestVersion(bucket, key);

        public VersionRecord? GetVersion(string bucket, byte[] key, string versionId) => r.GetVersion(bucket, key, versionId);

        public IEnumerable<VersionRecord> SeekLatest(string bucket, byte[] from, byte[]? toExclusive, int expectedRows) =>
            owner.Count(r.SeekLatest(bucket, from, toExclusive, expectedRows));

        public IEnumerable<VersionRecord> SeekLatestRollingUp(
            string bucket, byte[] from, byte[]? toExclusive, int prefixLength, byte[] delimiter, int expectedRows) =>
            owner.Count(r.SeekLatestRollingUp(bucket, from, toExclusive, prefixLength, delimiter, expectedRows));

        public IEnumerable<VersionRecord> SeekVersions(string bucket, VersionCursor from, byte[]? toExclusive, int expectedRows) =>
            owner.Count(r.SeekVersions(bucket, from, toExclusive, expectedRows));

        public UploadRecord? GetUpload(string bucket, byte[] key, string uploadId) => r.GetUpload(bucket, key, uploadId);

        public IEnumerable<UploadRecord> SeekUploads(string bucket, byte[] fromKey, long? seqAbove, byte[]? toExclusive) =>
            owner.Count(r.SeekUploads(bucket, fromKey, seqAbove, toExclusive));

        public PartRecord? GetPart(string uploadId, uint partNumber) => r.GetPart(uploadId, partNumber);

        public IEnumerable<PartRecord> SeekParts(string uploadId, uint afterPartNumber) => owner.Count(r.SeekParts(uploadId, afterPartNumber));

        public ShardRow? GetShard(string shardId) => r.GetShard(shardId);

        public IEnumerable<ShardRow> SeekShardsOnDisk(string diskId, string afterShardId) =>
            owner.Count(r.SeekShardsOnDisk(diskId, afterShardId));

        public StoreCounters GetCounters() => r.GetCounters();
    }
}
