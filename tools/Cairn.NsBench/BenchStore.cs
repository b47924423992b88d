using Cairn.Namespace.Domain;
using Cairn.Namespace.Store;
using Cairn.Namespace.Store.Postgres;
using Cairn.Namespace.Store.Sqlite;
using Cairn.Namespace.Telemetry;
using Cairn.Namespace.V1;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Cairn.NsBench;

/// <summary>A fresh, empty store of one backend (a temp SQLite directory or a new PostgreSQL schema), removed on dispose.</summary>
public sealed class BenchStore : IAsyncDisposable
{
    private readonly NamespaceMetrics _metrics = new();
    private readonly Func<ValueTask> _cleanup;

    private BenchStore(string backend, INamespaceStore store, Func<ValueTask> cleanup, Func<CancellationToken, Task> analyze)
    {
        Backend = backend;
        Store = store;
        _cleanup = cleanup;
        Analyze = analyze;
        Service = new NamespaceService(store, new DroppedGarbage(), _metrics, TimeProvider.System, NullLogger<NamespaceService>.Instance);
    }

    public string Backend { get; }

    public INamespaceStore Store { get; }

    public NamespaceService Service { get; }

    /// <summary>Refreshes planner statistics after a bulk load (autovacuum would, later).</summary>
    public Func<CancellationToken, Task> Analyze { get; }

    public static BenchStore OpenSqlite(string parent)
    {
        var dir = Path.Combine(parent, "nsbench-" + Guid.NewGuid().ToString("n"));
        var store = SqliteNamespaceStore.Open(dir);
        return new BenchStore("sqlite", store, async () =>
        {
            await store.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }, _ => Task.CompletedTask);
    }

    /// <param name="server">Connection string of the server; each store gets its own schema.</param>
    /// <param name="keep">Leave the schema behind for inspection (EXPLAIN) instead of dropping it.</param>
    /// <param name="ct">Cancels the set-up.</param>
    public static async Task<BenchStore> OpenPostgresAsync(string server, bool keep, CancellationToken ct)
    {
        var schema = "nsbench_" + Guid.NewGuid().ToString("n");
        await ExecuteAsync(server, $"CREATE SCHEMA {schema}", ct);
        var connectionString = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString;
        var store = PostgresNamespaceStore.Open(connectionString);
        return new BenchStore("postgres", store, async () =>
        {
            await store.DisposeAsync();
            if (keep)
            {
                Console.Error.WriteLine($"kept schema {schema}");
                return;
            }

            await ExecuteAsync(server, $"DROP SCHEMA {schema} CASCADE", CancellationToken.None);
        }, c => ExecuteAsync(connectionString, "ANALYZE versions, live, shards, counters", c));
    }

    public async ValueTask DisposeAsync()
    {
        await _cleanup();
        _metrics.Dispose();
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The benchmark measures the namespace; displaced layouts go nowhere.</summary>
    private sealed class DroppedGarbage : IGarbageSink
    {
        public Task PublishAsync(ObjectGarbageEvent garbage, CancellationToken ct) => Task.CompletedTask;
    }
}
