namespace Arrakis.Server.Commands.Streams;

/// <summary>Field/value pairs of an entry being added: element 2i is a field, 2i+1 its value.</summary>
internal interface IFieldSource
{
    int Pairs { get; }

    ReadOnlySpan<byte> Get(int index);
}
