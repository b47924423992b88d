namespace Cairn.Namespace.Store;

/// <summary>
/// The namespace backend. Every write runs as one serialisable transaction, so conditions read inside
/// <see cref="WriteAsync{T}"/> hold when it commits: that is what makes conditional commits atomic and
/// concurrent PUTs to one key produce one winner. Semantics (versioning, validation) live in NamespaceService;
/// backends only store rows and keep derived indexes (latest-live listing index, shard index, counters) in step.
/// </summary>
public interface INamespaceStore : IAsyncDisposable
{
    /// <summary>Runs <paramref name="read"/> on a consistent snapshot.</summary>
    Task<T> ReadAsync<T>(Func<INamespaceReader, T> read, CancellationToken ct);

    /// <summary>Runs <paramref name="write"/> in one transaction; an exception rolls everything back.</summary>
    Task<T> WriteAsync<T>(Func<INamespaceWriter, T> write, CancellationToken ct);
}

public interface INamespaceReader
{
    Cairn.Namespace.V1.Bucket? GetBucket(string name);

    IReadOnlyList<Cairn.Namespace.V1.Bucket> ListBuckets();

    /// <summary>True when the bucket holds any version or unfinished upload.</summary>
    bool BucketHasContent(string bucket);

    /// <summary>The newest version of a key, delete markers included.</summary>
    VersionRecord? GetLatestVersion(string bucket, byte[] key);

    VersionRecord? GetVersion(string bucket, byte[] key, string versionId);

    /// <summary>
    /// Keys whose latest version is not a delete marker, in byte order, from <paramref name="from"/> (inclusive)
    /// to <paramref name="toExclusive"/>. Lazy: rows are read only as they are enumerated, so a caller that
    /// stops early (to seek past a common prefix) pays only for what it read. <paramref name="expectedRows"/>
    /// (in every Seek) is how many rows the caller means to consume at most, a page plus one: a backend that
    /// fetches in batches may fetch that many at once.
    /// </summary>
    IEnumerable<VersionRecord> SeekLatest(string bucket, byte[] from, byte[]? toExclusive, int expectedRows);

    /// <summary>
    /// <see cref="SeekLatest"/> with S3's delimiter roll-up done by the store: after a row whose key holds
    /// <paramref name="delimiter"/> past its first <paramref name="prefixLength"/> bytes, the scan continues at the
    /// first key beyond that whole common prefix. One row per common prefix, never its other keys; lazy.
    /// </summary>
    IEnumerable<VersionRecord> SeekLatestRollingUp(
        string bucket, byte[] from, byte[]? toExclusive, int prefixLength, byte[] delimiter, int expectedRows);

    /// <summary>All versions in (key ascending, newest first) order from <paramref name="from"/>; lazy.</summary>
    IEnumerable<VersionRecord> SeekVersions(string bucket, VersionCursor from, byte[]? toExclusive, int expectedRows);

    UploadRecord? GetUpload(string bucket, byte[] key, string uploadId);

    /// <summary>Uploads in (key ascending, initiation) order, from a cursor like <see cref="SeekVersions"/>'s
    /// but with SeqBelow meaning "later than this seq" (uploads list oldest first).</summary>
    IEnumerable<UploadRecord> SeekUploads(string bucket, byte[] fromKey, long? seqAbove, byte[]? toExclusive);

    PartRecord? GetPart(string uploadId, uint partNumber);

    IEnumerable<PartRecord> SeekParts(string uploadId, uint afterPartNumber);

    ShardRow? GetShard(string shardId);

    IEnumerable<ShardRow> SeekShardsOnDisk(string diskId, string afterShardId);

    StoreCounters GetCounters();
}

public interface INamespaceWriter : INamespaceReader
{
    void PutBucket(Cairn.Namespace.V1.Bucket bucket);

    void DeleteBucket(string name);

    /// <summary>The next value of the store-wide commit sequence.</summary>
    long NextSequence();

    /// <summary>Inserts a version and indexes its shards. Throws InvalidArgument if a shard is already referenced.</summary>
    void InsertVersion(VersionRecord version);

    /// <summary>Removes a version and un-indexes its shards.</summary>
    void DeleteVersion(VersionRecord version);

    /// <summary>Rewrites a version's payload in place (tags, moved shards), re-indexing its shards.</summary>
    void UpdateVersion(VersionRecord before, VersionRecord after);

    void InsertUpload(UploadRecord upload);

    void DeleteUpload(UploadRecord upload);

    /// <summary>Stores a part and indexes its shards (an existing part with this number must be deleted first).</summary>
    void PutPart(UploadRecord upload, PartRecord part);

    void DeletePart(UploadRecord upload, PartRecord part);

    void UpdatePart(UploadRecord upload, PartRecord before, PartRecord after);
}
