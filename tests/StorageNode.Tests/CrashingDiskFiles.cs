using Cairn.StorageNode.Shards.Engine;

namespace StorageNode.Tests;

/// <summary>
/// An in-memory disk that forgets like a real one. File bytes are durable only after Flush (fsync); names
/// (create, rename, delete) only after SyncDirectory. <see cref="Crash"/> keeps the durable state plus a
/// random prefix of each file's un-fsynced writes, the last of them possibly torn, and drops every name
/// change that was not synced. After a crash every handle and every <see cref="Mount"/> taken before it fails,
/// like a dead process's: a store left over from before the crash can no longer touch the disk.
/// </summary>
public sealed class CrashingDiskFiles(int seed)
{
    private readonly Lock _lock = new();
    private readonly Random _random = new(seed);
    private readonly Dictionary<string, MemoryFile> _visible = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MemoryFile> _durable = new(StringComparer.Ordinal);
    private int _epoch;
    private int? _crashCountdown;


    /// <summary>Reads of paths matching this fail with an I/O error (a bad sector), until reset to null.</summary>
    public Func<string, bool>? FailReads { get; set; }

    /// <summary>Runs before every fsync, outside the disk's lock: a test can block it (a slow disk) or throw (EIO).</summary>
    public Action? BeforeFlush { get; set; }

    /// <summary>fsyncs of paths matching this return without making anything durable (the race a crash can win).</summary>
    public Func<string, bool>? DropFlushes { get; set; }

    /// <summary>How many crashes happened so far.</summary>
    public int Crashes
    {
        get
        {
            lock (_lock)
            {
                return _epoch;
            }
        }
    }

    /// <summary>Crashes the disk at the <paramref name="operations"/>-th mutating call from now (that call fails).</summary>
    public void CrashAfter(int operations)
    {
        lock (_lock)
        {
            _crashCountdown = Math.Max(1, operations);
        }
    }

    /// <summary>Cancels a pending <see cref="CrashAfter"/>.</summary>
    public void Disarm()
    {
        lock (_lock)
        {
            _crashCountdown = null;
        }
    }

    /// <summary>Power loss: see the class summary; <paramref name="keepNoUnsynced"/> drops every un-fsynced write.</summary>
    public void Crash(bool keepNoUnsynced = false)
    {
        lock (_lock)
        {
            CrashLocked(keepNoUnsynced);
        }
    }

    /// <summary>The current (not necessarily durable) bytes of a file, for tests that corrupt or inspect it.</summary>
    public byte[] ReadAll(string path)
    {
        lock (_lock)
        {
            return [.. _visible[path].Current];
        }
    }

    /// <summary>Overwrites bytes in place, durably: bit rot, not a write.</summary>
    public void Corrupt(string path, long offset, byte xor)
    {
        lock (_lock)
        {
            var file = _visible[path];
            file.Current[(int)offset] ^= xor;
            file.Durable = [.. file.Current];
        }
    }

    public IReadOnlyList<string> Paths(string directory)
    {
        lock (_lock)
        {
            return [.. _visible.Keys.Where(p => Path.GetDirectoryName(p) == directory).Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>The disk as one process sees it: valid until the next crash.</summary>
    public IDiskFiles Mount()
    {
        lock (_lock)
        {
            return new MountedDisk(this, _epoch);
        }
    }

    private IDiskFile Open(string path, bool create, int epoch)
    {
        lock (_lock)
        {
            CheckEpoch(epoch);
            if (!_visible.TryGetValue(path, out var file))
            {
                if (!create)
                {
                    throw new FileNotFoundException(path);
                }

                Mutate(null);
                file = new MemoryFile();
                _visible[path] = file;
            }

            return new Handle(this, path, file, _epoch);
        }
    }

    private IReadOnlyList<string> List(string directory, int epoch)
    {
        lock (_lock)
        {
            CheckEpoch(epoch);
            return [.. _visible.Keys.Where(p => Path.GetDirectoryName(p) == directory).Select(p => Path.GetFileName(p))];
        }
    }

    private void Delete(string path, int epoch)
    {
        lock (_lock)
        {
            CheckEpoch(epoch);
            Mutate(null);
            _visible.Remove(path);
        }
    }

    private void Rename(string from, string to, int epoch)
    {
        lock (_lock)
        {
            CheckEpoch(epoch);
            Mutate(null);
            if (!_visible.Remove(from, out var file))
            {
                throw new FileNotFoundException(from);
            }

            _visible[to] = file;
        }
    }

    private void SyncDirectory(string directory, int epoch)
    {
        lock (_lock)
        {
            CheckEpoch(epoch);
            Mutate(null);
            foreach (string gone in _durable.Keys.Where(p => Path.GetDirectoryName(p) == directory && !_visible.ContainsKey(p)).ToList())
            {
                _durable.Remove(gone);
            }

            foreach (var (path, file) in _visible.Where(kv => Path.GetDirectoryName(kv.Key) == directory))
            {
                _durable[path] = file;
            }
        }
    }

    private void CheckEpoch(int epoch)
    {
        if (epoch != _epoch)
        {
            throw new IOException("the disk crashed since this mount was taken");
        }
    }

    /// <summary>Counts a mutating call; at the armed count the disk crashes and the call fails.</summary>
    private void Mutate(Action? tearable)
    {
        if (_crashCountdown is null)
        {
            return;
        }

        if (--_crashCountdown > 0)
        {
            return;
        }

        _crashCountdown = null;
        tearable?.Invoke(); // a write in flight at the crash may land partly
        CrashLocked();
        throw new IOException("the disk crashed");
    }

    private void CrashLocked(bool keepNoUnsynced = false)
    {
        _visible.Clear();
        foreach (var (path, file) in _durable)
        {
            _visible[path] = file;
        }

        var files = new HashSet<MemoryFile>(_visible.Values);
        foreach (var file in files)
        {
            file.Recover(_random, keepNoUnsynced);
        }

        _epoch++;
    }

    private sealed class MountedDisk(CrashingDiskFiles disk, int epoch) : IDiskFiles
    {
        public long FileSystemCapacity => long.MaxValue / 4;

        public IDiskFile Open(string path, bool create) => disk.Open(path, create, epoch);

        public IReadOnlyList<string> List(string directory) => disk.List(directory, epoch);

        public void CreateDirectory(string directory)
        {
            // Directories are implicit: a path's directory always exists.
        }

        public void Delete(string path) => disk.Delete(path, epoch);

        public void Rename(string from, string to) => disk.Rename(from, to, epoch);

        public void SyncDirectory(string directory) => disk.SyncDirectory(directory, epoch);
    }

    private abstract record PendingOp;

    private sealed record PendingWrite(long Offset, byte[] Data) : PendingOp;

    private sealed record PendingLength(long Length) : PendingOp;

    private sealed class MemoryFile
    {
        public List<byte> Current { get; private set; } = [];

        public byte[] Durable { get; set; } = [];

        public List<PendingOp> Pending { get; } = [];

        public void Write(long offset, byte[] data)
        {
            Pending.Add(new PendingWrite(offset, data));
            Apply(Current, offset, data);
        }

        public void SetLength(long length)
        {
            Pending.Add(new PendingLength(length));
            Resize(Current, length);
        }

        public void Flush()
        {
            Durable = [.. Current];
            Pending.Clear();
        }

        /// <summary>Durable bytes plus a random prefix of the pending operations, the last kept write maybe torn.</summary>
        public void Recover(Random random, bool keepNone)
        {
            var bytes = new List<byte>(Durable);
            int keep = Pending.Count == 0 || keepNone ? 0 : random.Next(Pending.Count + 1);
            for (int i = 0; i < keep; i++)
            {
                switch (Pending[i])
                {
                    case PendingWrite w when i == keep - 1 && random.Next(2) == 0:
                        Apply(bytes, w.Offset, w.Data[..random.Next(w.Data.Length + 1)]);
                        break;
                    case PendingWrite w:
                        Apply(bytes, w.Offset, w.Data);
                        break;
                    case PendingLength l:
                        Resize(bytes, l.Length);
                        break;
                }
            }

            Current = bytes;
            Durable = [.. bytes];
            Pending.Clear();
        }

        private static void Apply(List<byte> bytes, long offset, byte[] data)
        {
            if (bytes.Count < offset + data.Length)
            {
                Resize(bytes, offset + data.Length);
            }

            for (int i = 0; i < data.Length; i++)
            {
                bytes[(int)offset + i] = data[i];
            }
        }

        private static void Resize(List<byte> bytes, long length)
        {
            if (bytes.Count > length)
            {
                bytes.RemoveRange((int)length, bytes.Count - (int)length);
            }
            else
            {
                bytes.AddRange(new byte[length - bytes.Count]);
            }
        }
    }

    private sealed class Handle(CrashingDiskFiles disk, string path, MemoryFile file, int epoch) : IDiskFile
    {
        public long Length
        {
            get
            {
                lock (disk._lock)
                {
                    Check();
                    return file.Current.Count;
                }
            }
        }

        public int Read(Span<byte> destination, long offset)
        {
            lock (disk._lock)
            {
                Check();
                if (disk.FailReads?.Invoke(path) == true)
                {
                    throw new IOException($"injected read error on {path}");
                }

                int n = (int)Math.Clamp(file.Current.Count - offset, 0, destination.Length);
                for (int i = 0; i < n; i++)
                {
                    destination[i] = file.Current[(int)offset + i];
                }

                return n;
            }
        }

        public void Write(IReadOnlyList<ReadOnlyMemory<byte>> buffers, long offset)
        {
            byte[] data = [.. buffers.SelectMany(b => b.ToArray())];
            lock (disk._lock)
            {
                Check();
                disk.Mutate(() => file.Write(offset, data));
                file.Write(offset, data);
            }
        }

        public void Flush()
        {
            disk.BeforeFlush?.Invoke();
            lock (disk._lock)
            {
                Check();
                disk.Mutate(null);
                if (disk.DropFlushes?.Invoke(path) != true)
                {
                    file.Flush();
                }
            }
        }

        public void SetLength(long length)
        {
            lock (disk._lock)
            {
                Check();
                disk.Mutate(null);
                file.SetLength(length);
            }
        }

        public void Dispose()
        {
        }

        private void Check()
        {
            if (epoch != disk._epoch)
            {
                throw new IOException("the disk crashed since this file was opened");
            }
        }
    }
}
