using Npgsql;

namespace Namespace.Tests.Support;

/// <summary>
/// A fresh schema per test in the server named by CAIRN_TEST_POSTGRES (default: the cluster that
/// tools/ci/start-postgres.sh starts). No server means the Postgres tests FAIL: CI must never pass them by skipping.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=55432;Username=cairn;Password=cairn;Database=cairn";

    private readonly string _admin;

    private PostgresTestDatabase(string admin, string schema)
    {
        _admin = admin;
        Schema = schema;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema }.ConnectionString;
    }

    public string Schema { get; }

    /// <summary>Connects with search_path set to this test's schema.</summary>
    public string ConnectionString { get; }

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("CAIRN_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultConnectionString;

    public static PostgresTestDatabase Create()
    {
        var schema = "t_" + Guid.NewGuid().ToString("n");
        try
        {
            Execute(ServerConnectionString, $"CREATE SCHEMA {schema}");
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException(
                "PostgreSQL tests need a server: run `eval \"$(tools/ci/start-postgres.sh)\"` or set CAIRN_TEST_POSTGRES.", e);
        }

        return new PostgresTestDatabase(ServerConnectionString, schema);
    }

    public void Execute(string sql) => Execute(ConnectionString, sql);

    public async ValueTask DisposeAsync()
    {
        // Pooled connections keep the schema's tables referenced only loosely; dropping is safe while they idle.
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
