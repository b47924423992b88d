using Cairn.ServiceDefaults;
using Cairn.StorageNode;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("storage-node");
builder.AddStorageNode();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapStorageNode();
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
