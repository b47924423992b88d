using Npgsql;

namespace Cairn.Namespace.Store.Postgres;

/// <summary>
/// The PostgreSQL schema, in the connection's search_path. Keys are <c>bytea</c> (memcmp order is S3's UTF-8
/// byte order); every other ordered text column is <c>COLLATE "C"</c> so ordering never depends on the database
/// locale. <c>cairn_meta</c> stamps the schema with a magic value and a version; a newer version is refused.
/// Counters are spread over slots so concurrent writers do not all update one hot row.
/// </summary>
internal static class PostgresSchema
{
    public const long Magic = 0x43524E53; // "CRNS"
    public const long Version = 1;
    public const int CounterSlots = 32;

    private const string CreateV1 = """
        CREATE TABLE IF NOT EXISTS cairn_meta(name text COLLATE "C" PRIMARY KEY, value bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS buckets(name text COLLATE "C" PRIMARY KEY, data bytea NOT NULL);
        CREATE TABLE IF NOT EXISTS versions(
            bucket text COLLATE "C" NOT NULL, key bytea NOT NULL, seq bigint NOT NULL,
            version_id text COLLATE "C" NOT NULL, is_delete_marker boolean NOT NULL, size bigint NOT NULL, data bytea NOT NULL,
            PRIMARY KEY(bucket, key, seq));
        CREATE UNIQUE INDEX IF NOT EXISTS versions_by_id ON versions(bucket, key, version_id);
        CREATE TABLE IF NOT EXISTS live(
            bucket text COLLATE "C" NOT NULL, key bytea NOT NULL, seq bigint NOT NULL, PRIMARY KEY(bucket, key));
        CREATE TABLE IF NOT EXISTS uploads(
            bucket text COLLATE "C" NOT NULL, key bytea NOT NULL, seq bigint NOT NULL,
            upload_id text COLLATE "C" NOT NULL UNIQUE, data bytea NOT NULL, PRIMARY KEY(bucket, key, seq));
        CREATE TABLE IF NOT EXISTS parts(
            upload_id text COLLATE "C" NOT NULL, part_number bigint NOT NULL, modified_ms bigint NOT NULL, data bytea NOT NULL,
            PRIMARY KEY(upload_id, part_number));
        CREATE TABLE IF NOT EXISTS shards(
            shard_id text COLLATE "C" PRIMARY KEY, disk_id text COLLATE "C" NOT NULL, bucket text COLLATE "C" NOT NULL,
            key bytea NOT NULL, owner_kind smallint NOT NULL, owner_id text COLLATE "C" NOT NULL,
            part_number bigint NOT NULL, idx bigint NOT NULL);
        CREATE INDEX IF NOT EXISTS shards_by_disk ON shards(disk_id, shard_id);
        CREATE TABLE IF NOT EXISTS counters(
            slot integer PRIMARY KEY, objects bigint NOT NULL, versions bigint NOT NULL, bytes bigint NOT NULL, uploads bigint NOT NULL);
        CREATE SEQUENCE IF NOT EXISTS commit_seq;
        INSERT INTO cairn_meta(name, value) VALUES ('magic', 1129467475), ('schema_version', 1) ON CONFLICT (name) DO NOTHING;
        """;

    /// <summary>Creates the schema if absent. Several instances may start at once: a lost creation race is retried.</summary>
    public static void Apply(NpgsqlDataSource dataSource)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var connection = dataSource.OpenConnection();
                using (var tx = connection.BeginTransaction())
                {
                    // One creator at a time: without the lock, the check below could see another instance's tables
                    // committed between its two lookups and take a half-seen schema for someone else's.
                    Execute(connection, tx, $"SELECT pg_advisory_xact_lock({Magic})");
                    if (!Exists(connection, tx, "cairn_meta") && HasForeignTables(connection, tx))
                    {
                        throw new InvalidOperationException(
                            "The namespace schema holds tables but no cairn_meta: not a Cairn namespace schema.");
                    }

                    Execute(connection, tx, CreateV1);
                    tx.Commit();
                }

                Check(connection);
                return;
            }
            catch (PostgresException e) when (attempt < 5 && e.SqlState is PostgresErrorCodes.UniqueViolation
                                                  or PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.DuplicateObject)
            {
                // Two instances ran CREATE ... IF NOT EXISTS concurrently; the next attempt finds the objects.
            }
        }
    }

    private static void Check(NpgsqlConnection connection)
    {
        using var command = new NpgsqlCommand("SELECT name, value FROM cairn_meta", connection);
        using var reader = command.ExecuteReader();
        var meta = new Dictionary<string, long>();
        while (reader.Read())
        {
            meta[reader.GetString(0)] = reader.GetInt64(1);
        }

        if (meta.GetValueOrDefault("magic") != Magic)
        {
            throw new InvalidOperationException("cairn_meta has no Cairn magic value: not a Cairn namespace schema.");
        }

        if (meta.GetValueOrDefault("schema_version") > Version)
        {
            throw new InvalidOperationException(
                $"Namespace schema {meta["schema_version"]} is newer than this build understands ({Version}).");
        }
    }

    private static bool Exists(NpgsqlConnection connection, NpgsqlTransaction tx, string table)
    {
        using var command = new NpgsqlCommand("SELECT to_regclass(@t) IS NOT NULL", connection, tx);
        command.Parameters.AddWithValue("t", table);
        return (bool)command.ExecuteScalar()!;
    }

    /// <summary>Tables of ours in the first schema of the search path, without our stamp, mean someone else's data.</summary>
    private static bool HasForeignTables(NpgsqlConnection connection, NpgsqlTransaction tx)
    {
        using var command = new NpgsqlCommand(
            "SELECT EXISTS(SELECT 1 FROM pg_tables WHERE schemaname = current_schema() " +
            "AND tablename IN ('buckets', 'versions', 'live', 'uploads', 'parts', 'shards', 'counters'))", connection, tx);
        return (bool)command.ExecuteScalar()!;
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        command.ExecuteNonQuery();
    }
}
