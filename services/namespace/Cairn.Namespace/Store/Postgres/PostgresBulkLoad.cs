using Npgsql;
using NpgsqlTypes;

namespace Cairn.Namespace.Store.Postgres;

/// <summary>COPY-based load of brand-new keys: versions, their live rows, their shard index rows and counters.</summary>
internal static class PostgresBulkLoad
{
    public static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<VersionRecord> loaded, CancellationToken ct)
    {
        var versions = await WithSequencesAsync(connection, loaded, ct);
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY versions(bucket, key, seq, version_id, is_delete_marker, size, data) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var v in versions)
            {
                var stored = v.Object.Clone();
                stored.IsLatest = false;
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(v.Bucket, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(v.Key, NpgsqlDbType.Bytea, ct);
                await copy.WriteAsync(v.Seq, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(v.VersionId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(v.IsDeleteMarker, NpgsqlDbType.Boolean, ct);
                await copy.WriteAsync((long)v.Object.Size, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(Google.Protobuf.MessageExtensions.ToByteArray(stored), NpgsqlDbType.Bytea, ct);
            }

            await copy.CompleteAsync(ct);
        }

        var live = versions.Where(v => !v.IsDeleteMarker).ToList();
        await using (var copy = await connection.BeginBinaryImportAsync("COPY live(bucket, key, seq) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var v in live)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(v.Bucket, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(v.Key, NpgsqlDbType.Bytea, ct);
                await copy.WriteAsync(v.Seq, NpgsqlDbType.Bigint, ct);
            }

            await copy.CompleteAsync(ct);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY shards(shard_id, disk_id, bucket, key, owner_kind, owner_id, part_number, idx) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var row in versions.SelectMany(PostgresSession.ShardsOf))
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(row.ShardId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(row.DiskId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(row.Bucket, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(row.Key, NpgsqlDbType.Bytea, ct);
                await copy.WriteAsync((short)row.OwnerKind, NpgsqlDbType.Smallint, ct);
                await copy.WriteAsync(row.OwnerId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync((long)row.PartNumber, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync((long)row.Index, NpgsqlDbType.Bigint, ct);
            }

            await copy.CompleteAsync(ct);
        }

        await using var counters = new NpgsqlCommand(
            "INSERT INTO counters(slot, objects, versions, bytes, uploads) VALUES (0, @o, @v, @b, 0) " +
            "ON CONFLICT (slot) DO UPDATE SET objects = counters.objects + excluded.objects, " +
            "versions = counters.versions + excluded.versions, bytes = counters.bytes + excluded.bytes", connection);
        counters.Parameters.AddWithValue("o", (long)live.Count);
        counters.Parameters.AddWithValue("v", (long)versions.Count);
        counters.Parameters.AddWithValue("b", live.Sum(v => (long)v.Object.Size));
        await counters.ExecuteNonQueryAsync(ct);
    }

    private static async Task<List<VersionRecord>> WithSequencesAsync(
        NpgsqlConnection connection, IReadOnlyList<VersionRecord> versions, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT nextval('commit_seq') FROM generate_series(1, @n)", connection);
        command.Parameters.AddWithValue("n", versions.Count);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<VersionRecord>(versions.Count);
        foreach (var v in versions)
        {
            await reader.ReadAsync(ct);
            result.Add(v with { Seq = reader.GetInt64(0) });
        }

        return result;
    }
}
