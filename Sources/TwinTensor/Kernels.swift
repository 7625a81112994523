/// Numeric kernels for transformer inference on the CPU: matrix products, row-wise
/// normalisations and softmax, activations, element-wise arithmetic and pooling reductions.
///
/// Kernels take raw pointers with explicit shapes and strides, so a model can address one
/// attention head inside a `[tokens × hidden]` buffer, or write into part of a larger one,
/// without copies. Preconditions check shapes and strides, not pointer extents: every pointer
/// must be valid for the elements its shape and stride describe. Large calls spread over the
/// cores with ``Parallel``; calls made from inside a parallel loop run serially.
/// ``Matrix``-based overloads wrap the common cases safely.
public enum Kernels {}
