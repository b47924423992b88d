using System.Text;
using Cairn.StorageNode.Client;

namespace StorageNode.Tests;

public class Crc32CTests
{
    [Fact]
    public void Crc32C_Compute_KnownVector() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Crc32C_Compute_EmptyIsZero() => Assert.Equal(0u, Crc32C.Compute([]));

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData((3 * 1360) - 1)] // just below the small three-lane path
    [InlineData(3 * 1360)]
    [InlineData(4096)]
    [InlineData(8191)]
    [InlineData((3 * 4096) - 1)]
    [InlineData(3 * 4096)]
    [InlineData((7 * 4096) + 13)]
    [InlineData(1 << 20)]
    public void Crc32C_Compute_MatchesBitwiseReference(int length)
    {
        byte[] data = ShardData.Bytes(length, length);
        Assert.Equal(Reference(data), Crc32C.Compute(data));
    }

    [Fact]
    public void Crc32C_Append_EqualsComputeOfConcatenation()
    {
        byte[] data = ShardData.Bytes(50_000, 3);
        foreach (int split in new[] { 0, 1, 4095, 12_288, 49_999, 50_000 })
        {
            uint appended = Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split));
            Assert.Equal(Crc32C.Compute(data), appended);
        }
    }

    private static uint Reference(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }
}
