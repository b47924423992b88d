using Cairn.Namespace;
using Cairn.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("namespace");
builder.Services.AddNamespace(builder.Configuration);

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapNamespace();
app.Run();

/// <summary>Visible to WebApplicationFactory in tests.</summary>
public partial class Program;
