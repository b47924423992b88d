using Cairn.Namespace.Domain;
using Cairn.Namespace.V1;

namespace Cairn.Namespace.Store.Sqlite;

/// <summary>Writes; every derived index (live, shards, counters) is updated in the same transaction.</summary>
internal sealed partial class SqliteSession
{
    public void PutBucket(Bucket bucket) =>
        Execute("INSERT OR REPLACE INTO buckets(name, data) VALUES ($n, $d)", ("$n", bucket.Name), ("$d", Bytes(bucket)));

    public void DeleteBucket(string name) => Execute("DELETE FROM buckets WHERE name = $n", ("$n", name));

    public long NextSequence()
    {
        using var command = Command("UPDATE meta SET value = value + 1 WHERE name = 'seq' RETURNING value");
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void InsertVersion(VersionRecord version)
    {
        var stored = version.Object.Clone();
        stored.IsLatest = false;
        Execute(
            "INSERT INTO versions(bucket, key, seq, version_id, is_delete_marker, size, data) VALUES ($b, $k, $s, $id, $dm, $size, $d)",
            ("$b", version.Bucket), ("$k", version.Key), ("$s", version.Seq), ("$id", version.VersionId),
            ("$dm", version.IsDeleteMarker ? 1L : 0L), ("$size", (long)version.Object.Size), ("$d", Bytes(stored)));
        IndexShards(version);
        AddCounter("versions", 1);
        AddCounter("bytes", version.IsDeleteMarker ? 0 : (long)version.Object.Size);
        RefreshLive(version.Bucket, version.Key);
    }

    public void DeleteVersion(VersionRecord version)
    {
        Execute("DELETE FROM versions WHERE bucket = $b AND key = $k AND seq = $s",
            ("$b", version.Bucket), ("$k", version.Key), ("$s", version.Seq));
        UnindexShards(ShardsOf(version.Object.Parts));
        AddCounter("versions", -1);
        AddCounter("bytes", version.IsDeleteMarker ? 0 : -(long)version.Object.Size);
        RefreshLive(version.Bucket, version.Key);
    }

    public void UpdateVersion(VersionRecord before, VersionRecord after)
    {
        var stored = after.Object.Clone();
        stored.IsLatest = false;
        Execute("UPDATE versions SET data = $d WHERE bucket = $b AND key = $k AND seq = $s",
            ("$d", Bytes(stored)), ("$b", before.Bucket), ("$k", before.Key), ("$s", before.Seq));
        UnindexShards(ShardsOf(before.Object.Parts));
        IndexShards(after);
    }

    public void InsertUpload(UploadRecord upload)
    {
        Execute("INSERT INTO uploads(bucket, key, seq, upload_id, data) VALUES ($b, $k, $s, $u, $d)",
            ("$b", upload.Bucket), ("$k", upload.Key), ("$s", upload.Seq), ("$u", upload.UploadId), ("$d", Bytes(upload.Upload)));
        AddCounter("uploads", 1);
    }

    public void DeleteUpload(UploadRecord upload)
    {
        Execute("DELETE FROM uploads WHERE upload_id = $u", ("$u", upload.UploadId));
        AddCounter("uploads", -1);
    }

    public void PutPart(UploadRecord upload, PartRecord part)
    {
        Execute("INSERT INTO parts(upload_id, part_number, modified_ms, data) VALUES ($u, $p, $m, $d)",
            ("$u", upload.UploadId), ("$p", (long)part.Part.PartNumber), ("$m", part.ModifiedUnixMs), ("$d", Bytes(part.Part)));
        IndexShards(ShardsOf(upload, part.Part));
    }

    public void DeletePart(UploadRecord upload, PartRecord part)
    {
        Execute("DELETE FROM parts WHERE upload_id = $u AND part_number = $p",
            ("$u", upload.UploadId), ("$p", (long)part.Part.PartNumber));
        UnindexShards(ShardsOf(upload, part.Part).Select(r => r.ShardId));
    }

    public void UpdatePart(UploadRecord upload, PartRecord before, PartRecord after)
    {
        Execute("UPDATE parts SET data = $d WHERE upload_id = $u AND part_number = $p",
            ("$d", Bytes(after.Part)), ("$u", upload.UploadId), ("$p", (long)before.Part.PartNumber));
        UnindexShards(ShardsOf(upload, before.Part).Select(r => r.ShardId));
        IndexShards(ShardsOf(upload, after.Part));
    }

    private void IndexShards(VersionRecord version) =>
        IndexShards(version.Object.Parts.SelectMany(part => part.Layout?.Shards.Select(s => new ShardRow(
            s.ShardId, s.DiskId, version.Bucket, version.Key, ShardOwnerKind.Version, version.VersionId, part.PartNumber, s.Index))
            ?? []));

    private static IEnumerable<ShardRow> ShardsOf(UploadRecord upload, ObjectPart part) =>
        part.Layout?.Shards.Select(s => new ShardRow(
            s.ShardId, s.DiskId, upload.Bucket, upload.Key, ShardOwnerKind.UploadPart, upload.UploadId, part.PartNumber, s.Index))
        ?? [];

    private static IEnumerable<string> ShardsOf(IEnumerable<ObjectPart> parts) =>
        parts.SelectMany(p => p.Layout?.Shards.Select(s => s.ShardId) ?? []);

    private void IndexShards(IEnumerable<ShardRow> rows)
    {
        foreach (var row in rows)
        {
            var inserted = Execute(
                "INSERT INTO shards(shard_id, disk_id, bucket, key, owner_kind, owner_id, part_number, idx) " +
                "VALUES ($s, $d, $b, $k, $ok, $o, $p, $i) ON CONFLICT(shard_id) DO NOTHING",
                ("$s", row.ShardId), ("$d", row.DiskId), ("$b", row.Bucket), ("$k", row.Key), ("$ok", (long)row.OwnerKind),
                ("$o", row.OwnerId), ("$p", (long)row.PartNumber), ("$i", (long)row.Index));

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
            Execute("DELETE FROM shards WHERE shard_id = $s", ("$s", shardId));
        }
    }

    private void RefreshLive(string bucket, byte[] key)
    {
        using var latest = Command(
            "SELECT seq, is_delete_marker FROM versions WHERE bucket = $b AND key = $k ORDER BY seq DESC LIMIT 1",
            ("$b", bucket), ("$k", key));
        long? liveSeq = null;
        using (var reader = latest.ExecuteReader())
        {
            if (reader.Read() && reader.GetInt64(1) == 0)
            {
                liveSeq = reader.GetInt64(0);
            }
        }

        using var existing = Command("SELECT seq FROM live WHERE bucket = $b AND key = $k", ("$b", bucket), ("$k", key));
        var wasLive = existing.ExecuteScalar() is not null;
        if (liveSeq is { } seq)
        {
            Execute("INSERT OR REPLACE INTO live(bucket, key, seq) VALUES ($b, $k, $s)", ("$b", bucket), ("$k", key), ("$s", seq));
            AddCounter("objects", wasLive ? 0 : 1);
        }
        else if (wasLive)
        {
            Execute("DELETE FROM live WHERE bucket = $b AND key = $k", ("$b", bucket), ("$k", key));
            AddCounter("objects", -1);
        }
    }

    private void AddCounter(string name, long delta)
    {
        if (delta != 0)
        {
            Execute("UPDATE meta SET value = value + $d WHERE name = $n", ("$d", delta), ("$n", name));
        }
    }

    private int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }
}
