using Google.Protobuf;
using Microsoft.Data.Sqlite;

namespace Cairn.Namespace.Store.Sqlite;

/// <summary>Brand-new keys through a handful of reused prepared statements: versions, live rows, shard index, counters.</summary>
internal static class SqliteBulkLoad
{
    public static void Insert(SqliteConnection connection, SqliteTransaction tx, IReadOnlyList<VersionRecord> versions)
    {
        using var seq = Command(connection, tx, "UPDATE meta SET value = value + $n WHERE name = 'seq' RETURNING value", "$n");
        seq.Parameters["$n"].Value = (long)versions.Count;
        var next = Convert.ToInt64(seq.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) - versions.Count + 1;

        using var insertVersion = Command(connection, tx,
            "INSERT INTO versions(bucket, key, seq, version_id, is_delete_marker, size, data) VALUES ($b, $k, $s, $id, $dm, $size, $d)",
            "$b", "$k", "$s", "$id", "$dm", "$size", "$d");
        using var insertLive = Command(connection, tx, "INSERT INTO live(bucket, key, seq) VALUES ($b, $k, $s)", "$b", "$k", "$s");
        using var insertShard = Command(connection, tx,
            "INSERT INTO shards(shard_id, disk_id, bucket, key, owner_kind, owner_id, part_number, idx) VALUES ($s, $d, $b, $k, $ok, $o, $p, $i)",
            "$s", "$d", "$b", "$k", "$ok", "$o", "$p", "$i");
        long objects = 0, bytes = 0;
        foreach (var v in versions)
        {
            var s = next++;
            var stored = v.Object.Clone();
            stored.IsLatest = false;
            Run(insertVersion, v.Bucket, v.Key, s, v.VersionId, v.IsDeleteMarker ? 1L : 0L, (long)v.Object.Size, stored.ToByteArray());
            if (!v.IsDeleteMarker)
            {
                Run(insertLive, v.Bucket, v.Key, s);
                objects++;
                bytes += (long)v.Object.Size;
            }

            foreach (var part in v.Object.Parts)
            {
                foreach (var shard in part.Layout?.Shards ?? [])
                {
                    Run(insertShard, shard.ShardId, shard.DiskId, v.Bucket, v.Key, (long)ShardOwnerKind.Version, v.VersionId,
                        (long)part.PartNumber, (long)shard.Index);
                }
            }
        }

        using var counters = Command(connection, tx,
            "UPDATE meta SET value = value + CASE name WHEN 'objects' THEN $o WHEN 'versions' THEN $v WHEN 'bytes' THEN $by ELSE 0 END",
            "$o", "$v", "$by");
        Run(counters, objects, (long)versions.Count, bytes);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction tx, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    private static void Run(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        command.ExecuteNonQuery();
    }
}
