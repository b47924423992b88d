using Microsoft.Data.Sqlite;

namespace Cairn.Namespace.Store.Sqlite;

/// <summary>
/// The embedded backend: one SQLite file in WAL mode with synchronous=FULL (a commit is on disk before it is
/// acknowledged). Writes are serialised on one connection (SQLite has one writer anyway; queuing in-process
/// avoids busy-retry storms); reads use pooled connections, each on its own WAL snapshot.
/// </summary>
public sealed class SqliteNamespaceStore : INamespaceStore, INamespaceBulkLoader, IDisposable
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private bool _disposed;

    private SqliteNamespaceStore(string connectionString, SqliteConnection writer)
    {
        _connectionString = connectionString;
        _writer = writer;
    }

    public string DatabasePath { get; private init; } = "";

    public static SqliteNamespaceStore Open(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "namespace.db");
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        var writer = new SqliteConnection(connectionString);
        try
        {
            writer.Open();
            Pragma(writer, "PRAGMA journal_mode = WAL;");
            Pragma(writer, "PRAGMA synchronous = FULL;");
            Pragma(writer, "PRAGMA busy_timeout = 30000;");
            SqliteSchema.Apply(writer);
            return new SqliteNamespaceStore(connectionString, writer) { DatabasePath = path };
        }
        catch
        {
            // A refused (foreign or newer) database must not stay open behind the caller's back.
            writer.Dispose();
            throw;
        }
    }

    public Task<T> ReadAsync<T>(Func<INamespaceReader, T> read, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ct.ThrowIfCancellationRequested();
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Pragma(connection, "PRAGMA busy_timeout = 30000;");

        // A deferred transaction pins one WAL snapshot for every query the callback makes.
        using var tx = connection.BeginTransaction(deferred: true);
        var result = read(new SqliteSession(connection, tx));
        tx.Commit();
        return Task.FromResult(result);
    }

    public async Task<T> WriteAsync<T>(Func<INamespaceWriter, T> write, CancellationToken ct)
    {
        var result = default(T)!;
        await InWriteTransactionAsync(tx => result = write(new SqliteSession(_writer, tx)), ct);
        return result;
    }

    public Task BulkInsertNewKeysAsync(IReadOnlyList<VersionRecord> versions, CancellationToken ct) =>
        InWriteTransactionAsync(tx => SqliteBulkLoad.Insert(_writer, tx, versions), ct);

    private async Task InWriteTransactionAsync(Action<SqliteTransaction> work, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writeLock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var tx = _writer.BeginTransaction();
            work(tx);
            tx.Commit();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>For hosts that dispose synchronously; closing never waits on I/O beyond the writer's lock.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await _writer.DisposeAsync();

            // Pooled readers keep the file open; release them so a reopen (or a test's temp-dir delete) sees it closed.
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static void Pragma(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
