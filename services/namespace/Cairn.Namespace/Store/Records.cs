using Cairn.Namespace.V1;

namespace Cairn.Namespace.Store;

/// <summary>
/// One stored version. <see cref="Seq"/> is the store-wide commit sequence: newest-first order within a key is
/// descending Seq, which stays right when a "null" version is rewritten. The payload is the protobuf
/// ObjectVersion (its is_latest is derived, never stored).
/// </summary>
public sealed record VersionRecord(string Bucket, byte[] Key, long Seq, ObjectVersion Object)
{
    public string VersionId => Object.VersionId;

    public bool IsDeleteMarker => Object.IsDeleteMarker;
}

/// <summary>An unfinished multipart upload; <see cref="Seq"/> orders uploads of one key by initiation.</summary>
public sealed record UploadRecord(string Bucket, byte[] Key, long Seq, MultipartUpload Upload)
{
    public string UploadId => Upload.UploadId;
}

public sealed record PartRecord(string UploadId, ObjectPart Part, long ModifiedUnixMs);

/// <summary>Who owns a shard: an object version, or a part of an unfinished upload.</summary>
public enum ShardOwnerKind
{
    Version = 0,
    UploadPart = 1,
}

/// <summary>One row of the shard index: (disk, shard) -> where in the namespace it is referenced.</summary>
public sealed record ShardRow(
    string ShardId,
    string DiskId,
    string Bucket,
    byte[] Key,
    ShardOwnerKind OwnerKind,
    string OwnerId,
    uint PartNumber,
    uint Index);

/// <summary>Counters kept in the same transactions as the data, so they survive restarts and stay exact.</summary>
public sealed record StoreCounters(long Buckets, long Objects, long Versions, long Bytes, long Uploads);

/// <summary>A listing position in (key ascending, seq descending) order.</summary>
/// <param name="Key">First key to consider.</param>
/// <param name="SeqBelow">When set, only versions of <paramref name="Key"/> older than this, then later keys.</param>
public sealed record VersionCursor(byte[] Key, long? SeqBelow);
