using Microsoft.Data.Sqlite;

namespace Cairn.Namespace.Store.Sqlite;

/// <summary>
/// The on-disk schema. The file is stamped with an application id (magic "CRNS") and a schema version in
/// <c>meta</c>; a newer major version is refused rather than misread. Keys are BLOBs (UTF-8 bytes), so
/// SQLite's memcmp ordering is S3's byte order.
/// </summary>
internal static class SqliteSchema
{
    public const int ApplicationId = 0x43524E53; // "CRNS"
    public const int Version = 1;

    private const string CreateV1 = """
        CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS buckets(name TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS versions(
            bucket TEXT NOT NULL, key BLOB NOT NULL, seq INTEGER NOT NULL,
            version_id TEXT NOT NULL, is_delete_marker INTEGER NOT NULL, size INTEGER NOT NULL, data BLOB NOT NULL,
            PRIMARY KEY(bucket, key, seq)) WITHOUT ROWID;
        CREATE UNIQUE INDEX IF NOT EXISTS versions_by_id ON versions(bucket, key, version_id);
        CREATE TABLE IF NOT EXISTS live(
            bucket TEXT NOT NULL, key BLOB NOT NULL, seq INTEGER NOT NULL,
            PRIMARY KEY(bucket, key)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS uploads(
            bucket TEXT NOT NULL, key BLOB NOT NULL, seq INTEGER NOT NULL, upload_id TEXT NOT NULL UNIQUE, data BLOB NOT NULL,
            PRIMARY KEY(bucket, key, seq)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS parts(
            upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, modified_ms INTEGER NOT NULL, data BLOB NOT NULL,
            PRIMARY KEY(upload_id, part_number)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS shards(
            shard_id TEXT PRIMARY KEY, disk_id TEXT NOT NULL, bucket TEXT NOT NULL, key BLOB NOT NULL,
            owner_kind INTEGER NOT NULL, owner_id TEXT NOT NULL, part_number INTEGER NOT NULL, idx INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS shards_by_disk ON shards(disk_id, shard_id);
        INSERT OR IGNORE INTO meta(name, value) VALUES
            ('schema_version', 1), ('seq', 0), ('objects', 0), ('versions', 0), ('bytes', 0), ('uploads', 0);
        """;

    public static void Apply(SqliteConnection connection)
    {
        var appId = Scalar(connection, "PRAGMA application_id;");
        if (appId != 0 && appId != ApplicationId)
        {
            throw new InvalidOperationException($"Not a Cairn namespace database (application_id {appId:x8}).");
        }

        using (var tx = connection.BeginTransaction())
        {
            Execute(connection, tx, CreateV1);
            Execute(connection, tx, $"PRAGMA application_id = {ApplicationId};");
            tx.Commit();
        }

        var version = Scalar(connection, "SELECT value FROM meta WHERE name = 'schema_version';");
        if (version > Version)
        {
            throw new InvalidOperationException(
                $"Namespace database schema {version} is newer than this build understands ({Version}).");
        }
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction tx, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
