using Cairn.Namespace.Domain;
using Cairn.Namespace.V1;

namespace Cairn.Namespace.Store.Postgres;

/// <summary>
/// Writes; the derived indexes (live, shards) change in the same transaction. Counter deltas accumulate in the
/// session and land in one randomly chosen counter slot at commit, so writers on different keys rarely touch
/// the same row.
/// </summary>
internal sealed partial class PostgresSession
{
    private long _objects, _versions, _bytes, _uploads;

    public void PutBucket(Bucket bucket) => Execute(
        "INSERT INTO buckets(name, data) VALUES (@n, @d) ON CONFLICT (name) DO UPDATE SET data = excluded.data",
        ("n", bucket.Name), ("d", Bytes(bucket)));

    public void DeleteBucket(string name) => Execute("DELETE FROM buckets WHERE name = @n", ("n", name));

    /// <summary>
    /// A database sequence: never a hot row, never rolled back. Order within a key stays right because two
    /// writers of one key conflict, so the one that commits second re-ran and drew the larger value.
    /// </summary>
    public long NextSequence() => Query("SELECT nextval('commit_seq')", r => r.GetInt64(0))[0];

    public void InsertVersion(VersionRecord version)
    {
        var stored = version.Object.Clone();
        stored.IsLatest = false;
        Execute(
            "INSERT INTO versions(bucket, key, seq, version_id, is_delete_marker, size, data) VALUES (@b, @k, @s, @id, @dm, @size, @d)",
            ("b", version.Bucket), ("k", version.Key), ("s", version.Seq), ("id", version.VersionId),
            ("dm", version.IsDeleteMarker), ("size", (long)version.Object.Size), ("d", Bytes(stored)));
        IndexShards(ShardsOf(version));
        _versions++;
        _bytes += version.IsDeleteMarker ? 0 : (long)version.Object.Size;
        RefreshLive(version.Bucket, version.Key);
    }

    public void DeleteVersion(VersionRecord version)
    {
        Execute("DELETE FROM versions WHERE bucket = @b AND key = @k AND seq = @s",
            ("b", version.Bucket), ("k", version.Key), ("s", version.Seq));
        UnindexShards(ShardsOf(version).Select(r => r.ShardId));
        _versions--;
        _bytes -= version.IsDeleteMarker ? 0 : (long)version.Object.Size;
        RefreshLive(version.Bucket, version.Key);
    }

    public void UpdateVersion(VersionRecord before, VersionRecord after)
    {
        var stored = after.Object.Clone();
        stored.IsLatest = false;
        Execute("UPDATE versions SET data = @d WHERE bucket = @b AND key = @k AND seq = @s",
            ("d", Bytes(stored)), ("b", before.Bucket), ("k", before.Key), ("s", before.Seq));
        UnindexShards(ShardsOf(before).Select(r => r.ShardId));
        IndexShards(ShardsOf(after));
    }

    public void InsertUpload(UploadRecord upload)
    {
        Execute("INSERT INTO uploads(bucket, key, seq, upload_id, data) VALUES (@b, @k, @s, @u, @d)",
            ("b", upload.Bucket), ("k", upload.Key), ("s", upload.Seq), ("u", upload.UploadId), ("d", Bytes(upload.Upload)));
        _uploads++;
    }

    public void DeleteUpload(UploadRecord upload)
    {
        Execute("DELETE FROM uploads WHERE upload_id = @u", ("u", upload.UploadId));
        _uploads--;
    }

    public void PutPart(UploadRecord upload, PartRecord part)
    {
        Execute("INSERT INTO parts(upload_id, part_number, modified_ms, data) VALUES (@u, @p, @m, @d)",
            ("u", upload.UploadId), ("p", (long)part.Part.PartNumber), ("m", part.ModifiedUnixMs), ("d", Bytes(part.Part)));
        IndexShards(ShardsOf(upload, part.Part));
    }

    public void DeletePart(UploadRecord upload, PartRecord part)
    {
        Execute("DELETE FROM parts WHERE upload_id = @u AND part_number = @p", ("u", upload.UploadId), ("p", (long)part.Part.PartNumber));
        UnindexShards(ShardsOf(upload, part.Part).Select(r => r.ShardId));
    }

    public void UpdatePart(UploadRecord upload, PartRecord before, PartRecord after)
    {
        Execute("UPDATE parts SET data = @d WHERE upload_id = @u AND part_number = @p",
            ("d", Bytes(after.Part)), ("u", upload.UploadId), ("p", (long)before.Part.PartNumber));
        UnindexShards(ShardsOf(upload, before.Part).Select(r => r.ShardId));
        IndexShards(ShardsOf(upload, after.Part));
    }

    /// <summary>Called once, just before commit.</summary>
    public void FlushCounters()
    {
        if ((_objects | _versions | _bytes | _uploads) == 0)
        {
            return;
        }

        Execute(
            "INSERT INTO counters(slot, objects, versions, bytes, uploads) VALUES (@slot, @o, @v, @by, @u) " +
            "ON CONFLICT (slot) DO UPDATE SET objects = counters.objects + excluded.objects, " +
            "versions = counters.versions + excluded.versions, bytes = counters.bytes + excluded.bytes, " +
            "uploads = counters.uploads + excluded.uploads",
            ("slot", Random.Shared.Next(PostgresSchema.CounterSlots)), ("o", _objects), ("v", _versions), ("by", _bytes), ("u", _uploads));
    }

    internal static IEnumerable<ShardRow> ShardsOf(VersionRecord version) =>
        version.Object.Parts.SelectMany(part => part.Layout?.Shards.Select(s => new ShardRow(
            s.ShardId, s.DiskId, version.Bucket, version.Key, ShardOwnerKind.Version, version.VersionId, part.PartNumber, s.Index))
            ?? []);

    private static IEnumerable<ShardRow> ShardsOf(UploadRecord upload, ObjectPart part) =>
        part.Layout?.Shards.Select(s => new ShardRow(
            s.ShardId, s.DiskId, upload.Bucket, upload.Key, ShardOwnerKind.UploadPart, upload.UploadId, part.PartNumber, s.Index))
        ?? [];

    private void IndexShards(IEnumerable<ShardRow> rows)
    {
        foreach (var row in rows)
        {
            var inserted = Execute(
                "INSERT INTO shards(shard_id, disk_id, bucket, key, owner_kind, owner_id, part_number, idx) " +
                "VALUES (@s, @d, @b, @k, @ok, @o, @p, @i) ON CONFLICT (shard_id) DO NOTHING",
                ("s", row.ShardId), ("d", row.DiskId), ("b", row.Bucket), ("k", row.Key), ("ok", (short)row.OwnerKind),
                ("o", row.OwnerId), ("p", (long)row.PartNumber), ("i", (long)row.Index));

            // One shard referenced twice would let GC of one reference delete the other's data.
            if (inserted == 0)
            {
                throw NamespaceException.Invalid("ShardAlreadyReferenced");
            }
        }
    }

    private void UnindexShards(IEnumerable<string> shardIds)
    {
        foreach (var shardId in shardIds)
        {
            Execute("DELETE FROM shards WHERE shard_id = @s", ("s", shardId));
        }
    }

    /// <summary>Keeps the live row (latest version, when it is not a delete marker) in step with versions.</summary>
    private void RefreshLive(string bucket, byte[] key)
    {
        var latest = Query("SELECT seq, is_delete_marker FROM versions WHERE bucket = @b AND key = @k ORDER BY seq DESC LIMIT 1",
            r => (Seq: r.GetInt64(0), IsDeleteMarker: r.GetBoolean(1)), ("b", bucket), ("k", key));
        if (latest is [{ IsDeleteMarker: false } live])
        {
            // The CTE reads the snapshot before the upsert: no earlier row means a newly live key.
            var wasLive = Query(
                "WITH old AS (SELECT 1 FROM live WHERE bucket = @b AND key = @k) " +
                "INSERT INTO live(bucket, key, seq) VALUES (@b, @k, @s) ON CONFLICT (bucket, key) DO UPDATE SET seq = excluded.seq " +
                "RETURNING EXISTS(SELECT 1 FROM old)", r => r.GetBoolean(0), ("b", bucket), ("k", key), ("s", live.Seq))[0];
            _objects += wasLive ? 0 : 1;
        }
        else
        {
            _objects -= Execute("DELETE FROM live WHERE bucket = @b AND key = @k", ("b", bucket), ("k", key));
        }
    }

    private int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }
}
