using Cairn.Namespace.V1;
using Google.Protobuf;
using Npgsql;

namespace Cairn.Namespace.Store.Postgres;

/// <summary>
/// Reads of one transaction (writes in PostgresSession.Writes.cs). Scans fetch in batches with LIMIT, the
/// first sized to what the caller expects to use (a listing page plus one), each resuming after the last row:
/// a caller that stops early pays for at most one batch, and the planner always sees a bounded index range scan.
/// </summary>
internal sealed partial class PostgresSession : INamespaceWriter
{
    private const int AdaptiveFirstBatch = 32;
    private const string VersionColumns = "v.bucket, v.key, v.seq, v.data";
    private const string ShardColumns = "shard_id, disk_id, bucket, key, owner_kind, owner_id, part_number, idx";

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _tx;
    private readonly PostgresNamespaceStore _store;
    private int _nextFirstBatch;

    public PostgresSession(NpgsqlConnection connection, NpgsqlTransaction tx, PostgresNamespaceStore store)
    {
        _connection = connection;
        _tx = tx;
        _store = store;
        _nextFirstBatch = AdaptiveFirstBatch;
    }

    public Bucket? GetBucket(string name) =>
        Query("SELECT data FROM buckets WHERE name = @n", r => Bucket.Parser.ParseFrom(Blob(r, 0)), ("n", name)).FirstOrDefault();

    public IReadOnlyList<Bucket> ListBuckets() =>
        Query("SELECT data FROM buckets ORDER BY name", r => Bucket.Parser.ParseFrom(Blob(r, 0)));

    public bool BucketHasContent(string bucket) =>
        Query("SELECT EXISTS(SELECT 1 FROM versions WHERE bucket = @b) OR EXISTS(SELECT 1 FROM uploads WHERE bucket = @b)",
            r => r.GetBoolean(0), ("b", bucket))[0];

    public VersionRecord? GetLatestVersion(string bucket, byte[] key) =>
        Query($"SELECT {VersionColumns} FROM versions v WHERE v.bucket = @b AND v.key = @k ORDER BY v.seq DESC LIMIT 1",
            ReadVersion, ("b", bucket), ("k", key)).FirstOrDefault();

    public VersionRecord? GetVersion(string bucket, byte[] key, string versionId) =>
        Query($"SELECT {VersionColumns} FROM versions v WHERE v.bucket = @b AND v.key = @k AND v.version_id = @id",
            ReadVersion, ("b", bucket), ("k", key), ("id", versionId)).FirstOrDefault();

    public IEnumerable<VersionRecord> SeekLatest(string bucket, byte[] from, byte[]? toExclusive, int expectedRows)
    {
        var upper = toExclusive is null ? "" : " AND l.key < @hi";

        // LIMIT inside, lookups outside: a plain join misestimates (key, seq) matches as one row and hashes the
        // whole bucket, where this form is a bounded index range scan plus one primary-key probe per row. The
        // probe's LIMIT 1 keeps the planner from flattening it back into that join.
        return Batched<VersionRecord>((last, limit) => Query(
            $"SELECT {VersionColumns} FROM (SELECT key, seq FROM live l WHERE l.bucket = @b AND l.key {(last is null ? ">=" : ">")} @lo{upper} " +
            "ORDER BY l.key LIMIT @n) l CROSS JOIN LATERAL (SELECT * FROM versions v WHERE v.bucket = @b AND v.key = l.key AND v.seq = l.seq LIMIT 1) v " +
            "ORDER BY l.key",
            ReadVersion, ("b", bucket), ("lo", last?.Key ?? from), ("hi", toExclusive), ("n", limit)), expectedRows);
    }

    /// <summary>
    /// One round trip per batch: a recursive CTE walks the live index, each step probing for the first key at or
    /// after the previous row's successor, or past its whole common prefix (the prefix with its last byte + 1;
    /// UTF-8 never holds 0xFF, so there is no carry). The server never reads the keys inside a common prefix.
    /// </summary>
    public IEnumerable<VersionRecord> SeekLatestRollingUp(
        string bucket, byte[] from, byte[]? toExclusive, int prefixLength, byte[] delimiter, int expectedRows)
    {
        var upper = toExclusive is null ? "" : " AND l.key < @hi";
        const string At = "position(@d IN substring(w.key FROM @pl + 1))";
        const string CommonPrefixEnd =
            $"substring(w.key FROM 1 FOR @pl + {At} + length(@d) - 2) || set_byte(decode('00', 'hex'), 0, get_byte(w.key, @pl + {At} + length(@d) - 2) + 1)";
        var sql =
            "WITH RECURSIVE walk(key, seq, n) AS (" +
            $"(SELECT l.key, l.seq, 1 FROM live l WHERE l.bucket = @b AND l.key >= @lo{upper} ORDER BY l.key LIMIT 1) " +
            "UNION ALL " +
            "(SELECT nxt.key, nxt.seq, w.n + 1 FROM walk w CROSS JOIN LATERAL (SELECT l.key, l.seq FROM live l " +
            $"WHERE l.bucket = @b AND l.key >= (CASE WHEN {At} > 0 THEN {CommonPrefixEnd} ELSE w.key || decode('00', 'hex') END){upper} " +
            "ORDER BY l.key LIMIT 1) nxt WHERE w.n < @n)) " +
            $"SELECT {VersionColumns} FROM walk w CROSS JOIN LATERAL " +
            "(SELECT * FROM versions v WHERE v.bucket = @b AND v.key = w.key AND v.seq = w.seq LIMIT 1) v ORDER BY w.n";
        return Batched<VersionRecord>((last, limit) =>
        {
            var lo = last is null ? from : RollUp.NextStart(last.Key, prefixLength, delimiter);
            return lo is null
                ? []
                : Query(sql, ReadVersion, ("b", bucket), ("lo", lo), ("hi", toExclusive), ("pl", prefixLength), ("d", delimiter), ("n", limit));
        }, expectedRows);
    }

    public IEnumerable<VersionRecord> SeekVersions(string bucket, VersionCursor from, byte[]? toExclusive, int expectedRows)
    {
        var upper = toExclusive is null ? "" : " AND v.key < @hi";
        return Batched<VersionRecord>((last, limit) =>
        {
            var cursor = last is null ? from : new VersionCursor(last.Key, last.Seq);
            if (cursor.SeqBelow is not { } seqBelow)
            {
                return Query(
                    $"SELECT {VersionColumns} FROM versions v WHERE v.bucket = @b AND v.key >= @k{upper} ORDER BY v.key, v.seq DESC LIMIT @n",
                    ReadVersion, ("b", bucket), ("k", cursor.Key), ("hi", toExclusive), ("n", limit));
            }

            // The rest of the cursor's key, then later keys: two bounded index range scans.
            var rows = Query(
                $"SELECT {VersionColumns} FROM versions v WHERE v.bucket = @b AND v.key = @k AND v.seq < @s{upper} ORDER BY v.seq DESC LIMIT @n",
                ReadVersion, ("b", bucket), ("k", cursor.Key), ("s", seqBelow), ("hi", toExclusive), ("n", limit));
            if (rows.Count < limit)
            {
                rows.AddRange(Query(
                    $"SELECT {VersionColumns} FROM versions v WHERE v.bucket = @b AND v.key > @k{upper} ORDER BY v.key, v.seq DESC LIMIT @n",
                    ReadVersion, ("b", bucket), ("k", cursor.Key), ("hi", toExclusive), ("n", limit - rows.Count)));
            }

            return rows;
        }, expectedRows);
    }

    public UploadRecord? GetUpload(string bucket, byte[] key, string uploadId) =>
        Query("SELECT bucket, key, seq, data FROM uploads WHERE upload_id = @id AND bucket = @b AND key = @k",
            ReadUpload, ("id", uploadId), ("b", bucket), ("k", key)).FirstOrDefault();

    public IEnumerable<UploadRecord> SeekUploads(string bucket, byte[] fromKey, long? seqAbove, byte[]? toExclusive)
    {
        var upper = toExclusive is null ? "" : " AND key < @hi";
        return Batched<UploadRecord>((last, limit) =>
        {
            var (key, after) = last is null ? (fromKey, seqAbove) : (last.Key, last.Seq);
            if (after is not { } s)
            {
                return Query($"SELECT bucket, key, seq, data FROM uploads WHERE bucket = @b AND key >= @k{upper} ORDER BY key, seq LIMIT @n",
                    ReadUpload, ("b", bucket), ("k", key), ("hi", toExclusive), ("n", limit));
            }

            var rows = Query(
                $"SELECT bucket, key, seq, data FROM uploads WHERE bucket = @b AND key = @k AND seq > @s{upper} ORDER BY seq LIMIT @n",
                ReadUpload, ("b", bucket), ("k", key), ("s", s), ("hi", toExclusive), ("n", limit));
            if (rows.Count < limit)
            {
                rows.AddRange(Query(
                    $"SELECT bucket, key, seq, data FROM uploads WHERE bucket = @b AND key > @k{upper} ORDER BY key, seq LIMIT @n",
                    ReadUpload, ("b", bucket), ("k", key), ("hi", toExclusive), ("n", limit - rows.Count)));
            }

            return rows;
        });
    }

    public PartRecord? GetPart(string uploadId, uint partNumber) =>
        Query("SELECT upload_id, modified_ms, data FROM parts WHERE upload_id = @u AND part_number = @p",
            ReadPart, ("u", uploadId), ("p", (long)partNumber)).FirstOrDefault();

    public IEnumerable<PartRecord> SeekParts(string uploadId, uint afterPartNumber) =>
        Batched<PartRecord>((last, limit) => Query(
            "SELECT upload_id, modified_ms, data FROM parts WHERE upload_id = @u AND part_number > @p ORDER BY part_number LIMIT @n",
            ReadPart, ("u", uploadId), ("p", (long)(last?.Part.PartNumber ?? afterPartNumber)), ("n", limit)));

    public ShardRow? GetShard(string shardId) =>
        Query($"SELECT {ShardColumns} FROM shards WHERE shard_id = @s", ReadShard, ("s", shardId)).FirstOrDefault();

    public IEnumerable<ShardRow> SeekShardsOnDisk(string diskId, string afterShardId) =>
        Batched<ShardRow>((last, limit) => Query(
            $"SELECT {ShardColumns} FROM shards WHERE disk_id = @d AND shard_id > @s ORDER BY shard_id LIMIT @n",
            ReadShard, ("d", diskId), ("s", last?.ShardId ?? afterShardId), ("n", limit)));

    public StoreCounters GetCounters() => Query(
        "SELECT (SELECT count(*) FROM buckets), coalesce(sum(objects), 0)::bigint, coalesce(sum(versions), 0)::bigint, " +
        "coalesce(sum(bytes), 0)::bigint, coalesce(sum(uploads), 0)::bigint FROM counters",
        r => new StoreCounters(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)))[0];

    /// <summary>
    /// Yields rows batch by batch; <paramref name="fetch"/> gets the last row yielded (null first) and a limit.
    /// The first batch is what the caller expects to use, when it says; otherwise sized to what the session's
    /// previous scan used (a delimiter listing re-seeking past common prefixes uses a row or two each time).
    /// Later batches grow 4x. No batch exceeds the store's MaxScanBatch.
    /// </summary>
    private IEnumerable<T> Batched<T>(Func<T?, int, List<T>> fetch, int? expectedRows = null)
        where T : class
    {
        T? last = null;
        var limit = Math.Clamp(expectedRows ?? _nextFirstBatch, 1, _store.MaxScanBatch);
        var used = 0;
        try
        {
            while (true)
            {
                var rows = fetch(last, limit);
                _store.CountFetched(rows.Count);
                foreach (var row in rows)
                {
                    used++;
                    yield return row;
                }

                if (rows.Count < limit)
                {
                    yield break;
                }

                last = rows[^1];
                limit = Math.Min(limit * 4, _store.MaxScanBatch);
            }
        }
        finally
        {
            _nextFirstBatch = Math.Clamp(used * 2, 2, AdaptiveFirstBatch);
        }
    }

    /// <summary>Runs a query to completion: no reader stays open across yields, so callers may interleave queries.</summary>
    private List<T> Query<T>(string sql, Func<NpgsqlDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        if (_store.CapturedPlans is { } plans)
        {
            using var explain = Command("EXPLAIN " + sql, parameters);
            using var planReader = explain.ExecuteReader();
            var plan = new List<string>();
            while (planReader.Read())
            {
                plan.Add(planReader.GetString(0));
            }

            plans.Enqueue(string.Join('\n', plan));
        }

        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private NpgsqlCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, _connection, _tx);
        foreach (var (name, value) in parameters)
        {
            // Absent optional bounds are left out of the SQL as well.
            if (value is not null)
            {
                command.Parameters.AddWithValue(name, value);
            }
        }

        return command;
    }

    private static byte[] Blob(NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<byte[]>(ordinal);

    private static VersionRecord ReadVersion(NpgsqlDataReader r) =>
        new(r.GetString(0), Blob(r, 1), r.GetInt64(2), ObjectVersion.Parser.ParseFrom(Blob(r, 3)));

    private static UploadRecord ReadUpload(NpgsqlDataReader r) =>
        new(r.GetString(0), Blob(r, 1), r.GetInt64(2), MultipartUpload.Parser.ParseFrom(Blob(r, 3)));

    private static PartRecord ReadPart(NpgsqlDataReader r) =>
        new(r.GetString(0), ObjectPart.Parser.ParseFrom(Blob(r, 2)), r.GetInt64(1));

    private static ShardRow ReadShard(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), Blob(r, 3),
        (ShardOwnerKind)r.GetInt16(4), r.GetString(5), (uint)r.GetInt64(6), (uint)r.GetInt64(7));

    private static byte[] Bytes(IMessage message) => message.ToByteArray();
}
