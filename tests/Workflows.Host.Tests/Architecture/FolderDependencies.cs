using System.Reflection;
using System.Reflection.Emit;

namespace Workflows.Host.Tests.Architecture;

/// <summary>
/// Which feature folders of the Host (namespaces <c>Workflows.Host.&lt;Folder&gt;</c>) each folder's code uses: the
/// types in signatures, fields and attributes, and every type, method and field the method bodies name (read from
/// their IL, so a call inside a lambda or an async method counts like any other).
/// </summary>
internal static class FolderDependencies
{
    private const string Root = "Workflows.Host";

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Folder → the other folders it uses, with one example of each use ("Type.Member → Type").</summary>
    public static SortedDictionary<string, SortedDictionary<string, string>> Read(Assembly assembly)
    {
        var edges = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            var from = Folder(type);
            if (from is null)
            {
                continue;
            }

            foreach (var (used, where) in Uses(type))
            {
                var to = Folder(used);
                if (to is null || to == from)
                {
                    continue;
                }

                var targets = edges.TryGetValue(from, out var found) ? found : edges[from] = new SortedDictionary<string, string>(StringComparer.Ordinal);
                targets.TryAdd(to, $"{Outer(type).Name}.{where} → {used.Name}");
            }
        }

        return edges;
    }

    /// <summary>The feature folder of a Host type (nested and compiler-generated types count as their outer type's).</summary>
    public static string? Folder(Type type)
    {
        var ns = Outer(type).Namespace;
        if (ns is null || !ns.StartsWith(Root + ".", StringComparison.Ordinal) || type.Assembly.GetName().Name != Root)
        {
            return null;
        }

        var rest = ns[(Root.Length + 1)..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    private static Type Outer(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type;
    }

    private static IEnumerable<(Type Used, string Where)> Uses(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is { } baseType)
        {
            foreach (var t in Expand(baseType))
            {
                yield return (t, "base");
            }
        }

        foreach (var t in type.GetInterfaces().SelectMany(Expand))
        {
            yield return (t, "interface");
        }

        foreach (var field in type.GetFields(All))
        {
            foreach (var t in Expand(field.FieldType))
            {
                yield return (t, field.Name);
            }
        }

        foreach (var property in type.GetProperties(All))
        {
            foreach (var t in Expand(property.PropertyType))
            {
                yield return (t, property.Name);
            }
        }

        foreach (var attribute in type.GetCustomAttributesData())
        {
            yield return (attribute.AttributeType, "attribute");
        }

        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            var signature = method is MethodInfo info ? Expand(info.ReturnType) : [];
            foreach (var t in signature.Concat(method.GetParameters().SelectMany(p => Expand(p.ParameterType))))
            {
                yield return (t, method.Name);
            }

            foreach (var t in BodyUses(method))
            {
                yield return (t, method.Name);
            }
        }
    }

    /// <summary>A type with its generic arguments, element types and declaring type.</summary>
    private static IEnumerable<Type> Expand(Type type)
    {
        if (type.HasElementType)
        {
            foreach (var t in Expand(type.GetElementType()!))
            {
                yield return t;
            }

            yield break;
        }

        if (type.IsGenericParameter)
        {
            yield break;
        }

        yield return type;
        if (type.IsGenericType)
        {
            foreach (var t in type.GetGenericArguments().SelectMany(Expand))
            {
                yield return t;
            }
        }
    }

    private static IEnumerable<Type> BodyUses(MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (InvalidOperationException)
        {
            yield break;
        }

        if (il is null)
        {
            yield break;
        }

        var module = method.Module;
        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            short value = il[position++];
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il[position++]);
            }

            if (!OpCodesByValue.TryGetValue(value, out var opCode))
            {
                yield break; // not IL we understand: stop rather than misread operands
            }

            var operandSize = OperandSize(opCode, il, position);
            if (opCode.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                var token = BitConverter.ToInt32(il, position);
                MemberInfo? member = null;
                try
                {
                    member = module.ResolveMember(token, typeArguments, methodArguments);
                }
                catch (ArgumentException)
                {
                }
                catch (BadImageFormatException)
                {
                }

                if (member is Type usedType)
                {
                    foreach (var t in Expand(usedType))
                    {
                        yield return t;
                    }
                }
                else if (member?.DeclaringType is { } owner)
                {
                    foreach (var t in Expand(owner))
                    {
                        yield return t;
                    }

                    if (member is MethodInfo called)
                    {
                        foreach (var t in Expand(called.ReturnType).Concat(called.IsGenericMethod ? called.GetGenericArguments().SelectMany(Expand) : []))
                        {
                            yield return t;
                        }
                    }
                }
            }

            position += operandSize;
        }
    }

    private static int OperandSize(OpCode opCode, byte[] il, int position) => opCode.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, position)),
        _ => 4,
    };
}
