using System.Data;
using Npgsql;

namespace Cairn.Namespace.Store.Postgres;

/// <summary>
/// The scale-out backend: stateless, so several namespace instances can share one database. Every write is a
/// SERIALIZABLE transaction; the database decides conditional commits and same-key races, and a transaction
/// that loses (serialization failure, deadlock, or a unique-constraint race) is re-run from the start with
/// backoff, so its reads see the winner's commit. Reads run at REPEATABLE READ: one snapshot per call, taken
/// after every commit that was acknowledged before the call started (read-after-write).
/// </summary>
public sealed class PostgresNamespaceStore : INamespaceStore, INamespaceBulkLoader, IDisposable
{
    private const int MaxAttempts = 30;

    private readonly NpgsqlDataSource _dataSource;
    private readonly Telemetry.NamespaceMetrics? _metrics;
    private long _rowsFetched;
    private long _retries;

    private PostgresNamespaceStore(NpgsqlDataSource dataSource, int maxScanBatch, Telemetry.NamespaceMetrics? metrics)
    {
        _dataSource = dataSource;
        MaxScanBatch = maxScanBatch;
        _metrics = metrics;
    }

    /// <summary>The most rows one scan query fetches (a page plus one). Tests shrink it to cross batch seams.</summary>
    internal int MaxScanBatch { get; }

    /// <summary>Rows fetched from the server by listing scans: what a listing page really costs (tests, dashboards).</summary>
    public long RowsFetched => Interlocked.Read(ref _rowsFetched);

    /// <summary>When set (tests), every statement's plan is captured here first: range scans must stay index scans.</summary>
    internal System.Collections.Concurrent.ConcurrentQueue<string>? CapturedPlans { get; set; }

    /// <summary>Transactions re-run after losing a race.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <param name="connectionString">Npgsql connection string; its search_path holds the schema.</param>
    /// <param name="metrics">Counts transactions re-run after lost races, when given.</param>
    public static PostgresNamespaceStore Open(string connectionString, Telemetry.NamespaceMetrics? metrics = null) =>
        Open(connectionString, maxScanBatch: 1024, metrics);

    internal static PostgresNamespaceStore Open(string connectionString, int maxScanBatch, Telemetry.NamespaceMetrics? metrics = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);

        // The same few statements run millions of times: let Npgsql keep them prepared per connection.
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
        }

        // A generic plan knows neither the LIMIT nor the key range, and for a range scan it may pick a sequential
        // scan of the whole bucket: plan every execution with its actual values (parsing stays cached).
        builder.Options = $"{builder.Options} -c plan_cache_mode=force_custom_plan".Trim();

        var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        try
        {
            PostgresSchema.Apply(dataSource);
            return new PostgresNamespaceStore(dataSource, maxScanBatch, metrics);
        }
        catch
        {
            dataSource.Dispose();
            throw;
        }
    }

    public async Task<T> ReadAsync<T>(Func<INamespaceReader, T> read, CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var session = new PostgresSession(connection, tx, this);
        var result = read(session);
        await tx.CommitAsync(ct);
        return result;
    }

    public async Task<T> WriteAsync<T>(Func<INamespaceWriter, T> write, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(ct);
                await using var tx = await connection.BeginTransactionAsync(IsolationLevel.Serializable, ct);
                var session = new PostgresSession(connection, tx, this);
                var result = write(session);
                session.FlushCounters();
                await tx.CommitAsync(ct);
                return result;
            }
            catch (PostgresException e) when (IsLostRace(e) && attempt < AttemptsFor(e))
            {
                Interlocked.Increment(ref _retries);
                _metrics?.StoreRetry(e.SqlState);

                // Jittered exponential backoff so racing instances do not collide again in lockstep.
                var ceilingMs = Math.Min(100, 1 << Math.Min(attempt, 7));
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceilingMs), ct);
            }
        }
    }

    public async Task BulkInsertNewKeysAsync(IReadOnlyList<VersionRecord> versions, CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        await PostgresBulkLoad.CopyAsync(connection, versions, ct);
        await tx.CommitAsync(ct);
    }

    public void Dispose() => _dataSource.Dispose();

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    internal void CountFetched(int rows) => Interlocked.Add(ref _rowsFetched, rows);

    private static bool IsLostRace(PostgresException e) => e.SqlState is PostgresErrorCodes.SerializationFailure
        or PostgresErrorCodes.DeadlockDetected

        // Two transactions inserting the same new row (a "null" version, a live entry): the loser re-runs and
        // then sees the winner's row. A genuine duplicate fails again on every attempt and surfaces.
        or PostgresErrorCodes.UniqueViolation;

    private static int AttemptsFor(PostgresException e) =>
        e.SqlState == PostgresErrorCodes.UniqueViolation ? 5 : MaxAttempts;
}
