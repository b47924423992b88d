using Cairn.Namespace.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Namespace.Tests;

public sealed class SqliteSchemaTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cairn-ns-schema", Guid.NewGuid().ToString("n"));

    [Fact]
    public async Task SqliteNamespaceStore_Open_RefusesNewerSchemaVersion()
    {
        await using (SqliteNamespaceStore.Open(_dir))
        {
        }

        Execute("UPDATE meta SET value = 2 WHERE name = 'schema_version'");

        var e = Assert.Throws<InvalidOperationException>(() => SqliteNamespaceStore.Open(_dir));
        Assert.Contains("newer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SqliteNamespaceStore_Open_RefusesForeignDatabase()
    {
        Directory.CreateDirectory(_dir);
        Execute("PRAGMA application_id = 1234; CREATE TABLE other(x);");

        Assert.Throws<InvalidOperationException>(() => SqliteNamespaceStore.Open(_dir));
    }

    [Fact]
    public async Task SqliteNamespaceStore_Open_UsesWalJournal()
    {
        await using (SqliteNamespaceStore.Open(_dir))
        {
        }

        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar() as string);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort cleanup.
        }
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(_dir, "namespace.db")};Pooling=False");
        connection.Open();
        return connection;
    }

    private void Execute(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
