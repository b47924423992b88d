using Cairn.Namespace.V1;
using Google.Protobuf;
using Microsoft.Data.Sqlite;

namespace Cairn.Namespace.Store.Sqlite;

/// <summary>Reads of one transaction. Writes are in SqliteSession.Writes.cs.</summary>
internal sealed partial class SqliteSession : INamespaceWriter
{
    private const string VersionColumns = "v.bucket, v.key, v.seq, v.data";

    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _tx;

    public SqliteSession(SqliteConnection connection, SqliteTransaction tx)
    {
        _connection = connection;
        _tx = tx;
    }

    public Bucket? GetBucket(string name)
    {
        using var command = Command("SELECT data FROM buckets WHERE name = $name", ("$name", name));
        return command.ExecuteScalar() is byte[] data ? Bucket.Parser.ParseFrom(data) : null;
    }

    public IReadOnlyList<Bucket> ListBuckets()
    {
        using var command = Command("SELECT data FROM buckets ORDER BY name");
        using var reader = command.ExecuteReader();
        var buckets = new List<Bucket>();
        while (reader.Read())
        {
            buckets.Add(Bucket.Parser.ParseFrom((byte[])reader[0]));
        }

        return buckets;
    }

    public bool BucketHasContent(string bucket)
    {
        using var command = Command(
            "SELECT EXISTS(SELECT 1 FROM versions WHERE bucket = $b) OR EXISTS(SELECT 1 FROM uploads WHERE bucket = $b)",
            ("$b", bucket));
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 0;
    }

    public VersionRecord? GetLatestVersion(string bucket, byte[] key) =>
        ReadVersions(Command(
            $"SELECT {VersionColumns} FROM versions v WHERE v.bucket = $b AND v.key = $k ORDER BY v.seq DESC LIMIT 1",
            ("$b", bucket), ("$k", key))).FirstOrDefault();

    public VersionRecord? GetVersion(string bucket, byte[] key, string versionId) =>
        ReadVersions(Command(
            $"SELECT {VersionColumns} FROM versions v WHERE v.bucket = $b AND v.key = $k AND v.version_id = $id",
            ("$b", bucket), ("$k", key), ("$id", versionId))).FirstOrDefault();

    public IEnumerable<VersionRecord> SeekLatest(string bucket, byte[] from, byte[]? toExclusive, int expectedRows) =>
        ReadVersions(LatestFrom(bucket, from, toExclusive));

    /// <summary>
    /// Reads until a row rolls up into a common prefix, then re-seeks past the prefix (<see cref="RollUp.NextStart"/>)
    /// on the same prepared statement: a delimiter page re-seeks once per entry, and re-executing (a cursor reset)
    /// costs a tenth of preparing a statement each time.
    /// </summary>
    public IEnumerable<VersionRecord> SeekLatestRollingUp(
        string bucket, byte[] from, byte[]? toExclusive, int prefixLength, byte[] delimiter, int expectedRows)
    {
        using var command = LatestFrom(bucket, from, toExclusive);
        command.Prepare();
        byte[]? lo = from;
        while (lo is not null)
        {
            command.Parameters["$lo"].Value = lo;
            byte[]? reseek = null;
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    var row = ReadVersion(reader);
                    yield return row;
                    if (row.Key.AsSpan(prefixLength).IndexOf(delimiter) >= 0)
                    {
                        reseek = RollUp.NextStart(row.Key, prefixLength, delimiter);
                        break;
                    }
                }
            }

            lo = reseek;
        }
    }

    public IEnumerable<VersionRecord> SeekVersions(string bucket, VersionCursor from, byte[]? toExclusive, int expectedRows)
    {
        var upper = toExclusive is null ? "" : " AND v.key < $hi";
        if (from.SeqBelow is { } seqBelow)
        {
            // The rest of the marker key first, then every later key: two index range scans, both lazy.
            foreach (var v in ReadVersions(Command(
                $"SELECT {VersionColumns} FROM versions v WHERE v.bucket = $b AND v.key = $k AND v.seq < $s{upper} ORDER BY v.seq DESC",
                ("$b", bucket), ("$k", from.Key), ("$s", seqBelow), ("$hi", toExclusive))))
            {
                yield return v;
            }

            foreach (var v in ReadVersions(Command(
                $"SELECT {VersionColumns} FROM versions v WHERE v.bucket = $b AND v.key > $k{upper} ORDER BY v.key, v.seq DESC",
                ("$b", bucket), ("$k", from.Key), ("$hi", toExclusive))))
            {
                yield return v;
            }

            yield break;
        }

        foreach (var v in ReadVersions(Command(
            $"SELECT {VersionColumns} FROM versions v WHERE v.bucket = $b AND v.key >= $k{upper} ORDER BY v.key, v.seq DESC",
            ("$b", bucket), ("$k", from.Key), ("$hi", toExclusive))))
        {
            yield return v;
        }
    }

    public UploadRecord? GetUpload(string bucket, byte[] key, string uploadId) =>
        ReadUploads(Command(
            "SELECT bucket, key, seq, data FROM uploads WHERE upload_id = $id AND bucket = $b AND key = $k",
            ("$id", uploadId), ("$b", bucket), ("$k", key))).FirstOrDefault();

    public IEnumerable<UploadRecord> SeekUploads(string bucket, byte[] fromKey, long? seqAbove, byte[]? toExclusive)
    {
        var upper = toExclusive is null ? "" : " AND key < $hi";
        if (seqAbove is { } s)
        {
            foreach (var u in ReadUploads(Command(
                $"SELECT bucket, key, seq, data FROM uploads WHERE bucket = $b AND key = $k AND seq > $s{upper} ORDER BY seq",
                ("$b", bucket), ("$k", fromKey), ("$s", s), ("$hi", toExclusive))))
            {
                yield return u;
            }

            foreach (var u in ReadUploads(Command(
                $"SELECT bucket, key, seq, data FROM uploads WHERE bucket = $b AND key > $k{upper} ORDER BY key, seq",
                ("$b", bucket), ("$k", fromKey), ("$hi", toExclusive))))
            {
                yield return u;
            }

            yield break;
        }

        foreach (var u in ReadUploads(Command(
            $"SELECT bucket, key, seq, data FROM uploads WHERE bucket = $b AND key >= $k{upper} ORDER BY key, seq",
            ("$b", bucket), ("$k", fromKey), ("$hi", toExclusive))))
        {
            yield return u;
        }
    }

    public PartRecord? GetPart(string uploadId, uint partNumber) =>
        ReadParts(Command(
            "SELECT upload_id, modified_ms, data FROM parts WHERE upload_id = $u AND part_number = $p",
            ("$u", uploadId), ("$p", (long)partNumber))).FirstOrDefault();

    public IEnumerable<PartRecord> SeekParts(string uploadId, uint afterPartNumber) =>
        ReadParts(Command(
            "SELECT upload_id, modified_ms, data FROM parts WHERE upload_id = $u AND part_number > $p ORDER BY part_number",
            ("$u", uploadId), ("$p", (long)afterPartNumber)));

    public ShardRow? GetShard(string shardId) =>
        ReadShards(Command(
            "SELECT shard_id, disk_id, bucket, key, owner_kind, owner_id, part_number, idx FROM shards WHERE shard_id = $s",
            ("$s", shardId))).FirstOrDefault();

    public IEnumerable<ShardRow> SeekShardsOnDisk(string diskId, string afterShardId) =>
        ReadShards(Command(
            "SELECT shard_id, disk_id, bucket, key, owner_kind, owner_id, part_number, idx FROM shards " +
            "WHERE disk_id = $d AND shard_id > $s ORDER BY shard_id",
            ("$d", diskId), ("$s", afterShardId)));

    public StoreCounters GetCounters()
    {
        using var command = Command(
            "SELECT (SELECT COUNT(*) FROM buckets), " +
            "(SELECT value FROM meta WHERE name = 'objects'), (SELECT value FROM meta WHERE name = 'versions'), " +
            "(SELECT value FROM meta WHERE name = 'bytes'), (SELECT value FROM meta WHERE name = 'uploads')");
        using var reader = command.ExecuteReader();
        reader.Read();
        return new StoreCounters(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private SqliteCommand LatestFrom(string bucket, byte[] from, byte[]? toExclusive)
    {
        var upper = toExclusive is null ? "" : " AND l.key < $hi";
        var sql = $"SELECT {VersionColumns} FROM live l JOIN versions v ON v.bucket = l.bucket AND v.key = l.key AND v.seq = l.seq " +
                  $"WHERE l.bucket = $b AND l.key >= $lo{upper} ORDER BY l.key";
        return Command(sql, ("$b", bucket), ("$lo", from), ("$hi", toExclusive));
    }

    private static IEnumerable<VersionRecord> ReadVersions(SqliteCommand command)
    {
        using (command)
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                yield return ReadVersion(reader);
            }
        }
    }

    private static VersionRecord ReadVersion(SqliteDataReader reader) =>
        new(reader.GetString(0), (byte[])reader[1], reader.GetInt64(2), ObjectVersion.Parser.ParseFrom((byte[])reader[3]));

    private static IEnumerable<UploadRecord> ReadUploads(SqliteCommand command)
    {
        using (command)
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                yield return new UploadRecord(
                    reader.GetString(0), (byte[])reader[1], reader.GetInt64(2), MultipartUpload.Parser.ParseFrom((byte[])reader[3]));
            }
        }
    }

    private static IEnumerable<PartRecord> ReadParts(SqliteCommand command)
    {
        using (command)
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                yield return new PartRecord(reader.GetString(0), ObjectPart.Parser.ParseFrom((byte[])reader[2]), reader.GetInt64(1));
            }
        }
    }

    private static IEnumerable<ShardRow> ReadShards(SqliteCommand command)
    {
        using (command)
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                yield return new ShardRow(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), (byte[])reader[3],
                    (ShardOwnerKind)reader.GetInt64(4), reader.GetString(5), (uint)reader.GetInt64(6), (uint)reader.GetInt64(7));
            }
        }
    }

    private static byte[] Bytes(IMessage message) => message.ToByteArray();
}
