using System.Text;
using System.Xml.Linq;
using Cairn.Frontend.Http;
using Cairn.Frontend.Operations;
using Cairn.S3.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Frontend.Tests;

public class HttpPrimitivesTests
{
    [Theory]
    [InlineData("bytes=0-9", 100, 0, 10)]
    [InlineData("bytes=10-", 100, 10, 90)]
    [InlineData("bytes=-10", 100, 90, 10)]
    [InlineData("bytes=-1000", 100, 0, 100)]
    [InlineData("bytes=90-1000", 100, 90, 10)]
    [InlineData("bytes=99-99", 100, 99, 1)]
    public void ByteRange_Parse_Satisfiable(string header, long size, long offset, long length)
    {
        Assert.Equal(new ByteRange(offset, length), ByteRange.Parse(header, size));
    }

    [Theory]
    [InlineData("bytes=100-", 100)]
    [InlineData("bytes=99999999-", 100)]
    [InlineData("bytes=-0", 100)]
    [InlineData("bytes=0-0", 0)]
    [InlineData("bytes=-5", 0)]
    public void ByteRange_Parse_UnsatisfiableIs416(string header, long size)
    {
        var e = Assert.Throws<S3Exception>(() => ByteRange.Parse(header, size));
        Assert.Equal("InvalidRange", e.Code);
        Assert.Equal(416, e.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("items=0-5")]
    [InlineData("bytes=5-3")]
    [InlineData("bytes=abc")]
    public void ByteRange_Parse_IgnoresWhatIsNotAByteRange(string? header)
    {
        Assert.Null(ByteRange.Parse(header, 100));
    }

    [Fact]
    public void ByteRange_Parse_MultiRangeRefused()
    {
        Assert.Equal("NotImplemented", Assert.Throws<S3Exception>(() => ByteRange.Parse("bytes=0-1,5-6", 100)).Code);
    }

    private static HttpRequest RequestWith(params (string Name, string Value)[] headers)
    {
        var http = new DefaultHttpContext();
        foreach (var (name, value) in headers)
        {
            http.Request.Headers[name] = value;
        }
        return http.Request;
    }

    private const string ETag = "\"abc123\"";
    private static readonly long Modified = new DateTimeOffset(2026, 1, 10, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() + 400;

    [Theory]
    [InlineData("If-Match", "\"other\"", 412)]
    [InlineData("If-Match", "\"abc123\"", 0)]
    [InlineData("If-Match", "*", 0)]
    [InlineData("If-None-Match", "\"abc123\"", 304)]
    [InlineData("If-None-Match", "\"x\", \"abc123\"", 304)]
    [InlineData("If-None-Match", "\"other\"", 0)]
    [InlineData("If-Modified-Since", "Sat, 10 Jan 2026 12:00:00 GMT", 304)]
    [InlineData("If-Modified-Since", "Sat, 10 Jan 2026 11:59:59 GMT", 0)]
    [InlineData("If-Unmodified-Since", "Sat, 10 Jan 2026 11:59:59 GMT", 412)]
    [InlineData("If-Unmodified-Since", "Sat, 10 Jan 2026 12:00:00 GMT", 0)]
    public void Conditions_CheckRead_Table(string header, string value, int expected)
    {
        var request = RequestWith((header, value));
        if (expected == 0)
        {
            Conditions.CheckRead(request, ETag, Modified);
            return;
        }
        Assert.Equal(expected, Assert.Throws<S3Exception>(() => Conditions.CheckRead(request, ETag, Modified)).StatusCode);
    }

    [Fact]
    public void Conditions_CheckRead_IfMatchTrumpsIfUnmodifiedSince()
    {
        var request = RequestWith(("If-Match", ETag), ("If-Unmodified-Since", "Sat, 10 Jan 2026 11:00:00 GMT"));
        Conditions.CheckRead(request, ETag, Modified);
    }

    [Theory]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><Delete><Object><Key>&lol2;</Key></Object></Delete>")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><Delete><Object><Key>&xxe;</Key></Object></Delete>")]
    [InlineData("<Delete><Object><Key>unclosed</Object></Delete>")]
    [InlineData("not xml at all")]
    public void RequestXml_Parse_HostileOrBrokenIsMalformedXML(string xml)
    {
        var e = Assert.Throws<S3Exception>(() => RequestXml.Parse(Encoding.UTF8.GetBytes(xml), 1 << 20));
        Assert.Equal("MalformedXML", e.Code);
        Assert.Equal(400, e.StatusCode);
    }

    [Fact]
    public void RequestXml_Parse_NamespacedAndPlainElementsBothRead()
    {
        var doc = RequestXml.Parse(Encoding.UTF8.GetBytes("<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a&amp;b</Key></Object></Delete>"), 1 << 20);
        Assert.Equal("a&b", doc.Root!.Children("Object").Single().ChildValue("Key"));
    }

    [Fact]
    public async Task S3ErrorWriter_WriteAsync_XmlBodyWithCodeResourceAndRequestId()
    {
        var http = new DefaultHttpContext();
        http.Features.Get<IHttpRequestFeature>()!.RawTarget = "/bucket/some%20key?versionId=1";
        http.Request.Method = "GET";
        var body = new MemoryStream();
        http.Response.Body = body;

        await S3ErrorWriter.WriteAsync(http, S3Errors.NoSuchKey("some key"), "REQ123");

        Assert.Equal(404, http.Response.StatusCode);
        Assert.Equal("application/xml", http.Response.ContentType);
        var doc = XDocument.Parse(Encoding.UTF8.GetString(body.ToArray()));
        Assert.Equal("Error", doc.Root!.Name.LocalName);
        Assert.Equal("NoSuchKey", doc.Root.Element("Code")!.Value);
        Assert.False(string.IsNullOrEmpty(doc.Root.Element("Message")!.Value));
        Assert.Equal("/bucket/some%20key", doc.Root.Element("Resource")!.Value);
        Assert.Equal("REQ123", doc.Root.Element("RequestId")!.Value);
    }

    [Fact]
    public async Task S3ErrorWriter_WriteAsync_HeadHasNoBody()
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "HEAD";
        var body = new MemoryStream();
        http.Response.Body = body;
        await S3ErrorWriter.WriteAsync(http, S3Errors.NoSuchBucket("b"), "R");
        Assert.Equal(404, http.Response.StatusCode);
        Assert.Equal(0, body.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("photos/2024/")]
    [InlineData("ключ/😀")]
    public void ListObjects_Token_RoundTrips(string key)
    {
        Assert.Equal(key, ListObjects.DecodeToken(ListObjects.EncodeToken(key)));
    }

    [Theory]
    [InlineData("not base64 !!")]
    [InlineData("aGVsbG8=")]
    [InlineData("//79")]
    public void ListObjects_DecodeToken_GarbageIsInvalidArgument(string token)
    {
        var e = Assert.Throws<S3Exception>(() => ListObjects.DecodeToken(token));
        Assert.Equal("InvalidArgument", e.Code);
    }
}
