using System.Runtime.InteropServices;

namespace Cairn.EcBench;

/// <summary>Optional binding to Intel ISA-L (libisal.so.2), resolved at run time; only this bench uses it.</summary>
internal sealed unsafe class IsaL
{
    private readonly delegate* unmanaged<int, int, byte*, byte*, void> _initTables;
    private readonly delegate* unmanaged<byte*, int, int, void> _genCauchy1;
    private readonly delegate* unmanaged<int, int, int, byte*, byte**, byte**, void> _encodeData;
    private readonly delegate* unmanaged<byte*, byte*, int, int> _invert;

    private IsaL(nint lib)
    {
        _initTables = (delegate* unmanaged<int, int, byte*, byte*, void>)NativeLibrary.GetExport(lib, "ec_init_tables");
        _genCauchy1 = (delegate* unmanaged<byte*, int, int, void>)NativeLibrary.GetExport(lib, "gf_gen_cauchy1_matrix");
        _encodeData = (delegate* unmanaged<int, int, int, byte*, byte**, byte**, void>)NativeLibrary.GetExport(lib, "ec_encode_data");
        _invert = (delegate* unmanaged<byte*, byte*, int, int>)NativeLibrary.GetExport(lib, "gf_invert_matrix");
    }

    public static IsaL? TryLoad(out string? error)
    {
        foreach (string name in new[] { "libisal.so.2", "libisal.so", "isal" })
        {
            if (NativeLibrary.TryLoad(name, out nint lib))
            {
                try
                {
                    error = null;
                    return new IsaL(lib);
                }
                catch (EntryPointNotFoundException e)
                {
                    error = e.Message;
                    return null;
                }
            }
        }

        error = "libisal.so.2 not found (apt-get install libisal2)";
        return null;
    }

    /// <summary>(k+m) x k systematic Cauchy matrix, row-major.</summary>
    public byte[] Cauchy1(int k, int m)
    {
        var a = new byte[(k + m) * k];
        fixed (byte* p = a)
        {
            _genCauchy1(p, k + m, k);
        }

        return a;
    }

    /// <summary>Expanded tables (32 bytes per coefficient) for a rows x k coefficient matrix.</summary>
    public byte[] InitTables(int k, int rows, byte[] coefficients)
    {
        var g = GC.AllocateArray<byte>(Math.Max(32, k * rows * 32), pinned: true);
        fixed (byte* a = coefficients)
        fixed (byte* t = g)
        {
            _initTables(k, rows, a, t);
        }

        return g;
    }

    public bool Invert(byte[] input, byte[] output, int n)
    {
        fixed (byte* i = input)
        fixed (byte* o = output)
        {
            return _invert(i, o, n) == 0;
        }
    }

    public void Encode(int len, int k, int rows, byte* tables, byte** data, byte** coding) =>
        _encodeData(len, k, rows, tables, data, coding);
}
