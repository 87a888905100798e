namespace Arrakis.Fuzz;

/// <summary>An oracle found a wrong result (not a crash of the code under test): AFL counts it as a crash.</summary>
internal sealed class FuzzFailure(string message) : Exception(message);
