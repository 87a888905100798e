namespace Arrakis.LoadGen.Options;

/// <summary>A bad command line: printed as one line, exit code 2.</summary>
internal sealed class OptionException(string message) : Exception(message);
