"""autodiff.py mistakes: = for +=, forgotten out.grad, reflected operators backwards, orders that are not topological."""

from tests.mutants import Mutant

ADD_RULE = "            self.grad += out.grad\n            other.grad += out.grad\n"
MUL_RULE = "            self.grad += other.data * out.grad\n            other.grad += self.data * out.grad\n"
RELU_RULE = "self.grad += (1.0 if self.data > 0 else 0.0) * out.grad"
TOPO = '''        order, seen = [], set()
        stack = [(self, False)]
        while stack:
            node, inputs_done = stack.pop()
            if inputs_done:
                order.append(node)  # all of its inputs are already in order
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev if child not in seen)
'''
RECURSIVE_TOPO = '''        order, seen = [], set()

        def visit(node):
            if node not in seen:
                seen.add(node)
                for child in node._prev:
                    visit(child)
                order.append(node)

        visit(self)
'''
RECURSIVE_TOPO_WITHOUT_SEEN = '''        order = []

        def visit(node):
            for child in node._prev:
                visit(child)
            order.append(node)

        visit(self)
'''
BREADTH_FIRST = '''        order, seen = [], {self}
        queue = [self]
        while queue:
            node = queue.pop(0)
            order.insert(0, node)  # reversed below: the root first, then level by level
            for child in node._prev:
                if child not in seen:
                    seen.add(child)
                    queue.append(child)
'''

RANDOM_GRAPHS = ("test_random_graph_with_shared_nodes", "test_large_random_graph")

MUTANTS = [
    Mutant(
        "autodiff-add-assigns", "autodiff", ADD_RULE,
        "            self.grad = out.grad\n            other.grad = out.grad\n",
        kills=("test_shared_node[double_as_x_plus_x]", "test_shared_node[x_minus_x]", "test_shared_node[fan_out]")
        + RANDOM_GRAPHS,
        why="= instead of +=: a Value used twice keeps only the last contribution",
    ),
    Mutant(
        "autodiff-mul-assigns", "autodiff", MUL_RULE, MUL_RULE.replace("+=", "="),
        kills=("test_shared_node[square_as_x_times_x]", "test_one_value_feeding_two_hundred_nodes"),
        why="= instead of += in the product rule: x * x gets x, not 2x",
    ),
    Mutant(
        "autodiff-add-forgets-upstream", "autodiff", ADD_RULE,
        "            self.grad += 1.0\n            other.grad += 1.0\n",
        kills=("test_operation[value_plus_value]", "test_operation[value_plus_number]",
               "test_operation[number_plus_value]", "test_operation_with_numpy_scalar[value_plus_numpy_float64]"),
        why="the slope of a + b is 1, but it must be multiplied by out.grad",
    ),
    Mutant(
        "autodiff-mul-rule-swapped", "autodiff", MUL_RULE,
        "            self.grad += self.data * out.grad\n            other.grad += other.data * out.grad\n",
        kills=("test_operation[value_times_value]", "test_operation[value_times_number]",
               "test_operation[number_times_value]", "test_operation_with_numpy_scalar[numpy_float64_times_value]"),
        why="gives each factor its own value as slope instead of the other factor's",
    ),
    Mutant(
        "autodiff-sub-reversed", "autodiff", "return self + (-other)", "return -self + other",
        kills=("test_operation[value_minus_value]", "test_operation[value_minus_number]"),
        why="computes other - self for self - other",
    ),
    Mutant(
        "autodiff-rsub-reversed", "autodiff", "return other + (-self)", "return self + (-other)",
        kills=("test_operation[number_minus_value]", "test_operation_with_numpy_scalar[numpy_float64_minus_value]"),
        why="__rsub__ computes self - other, but 2 - x means other - self",
    ),
    Mutant(
        "autodiff-truediv-reversed", "autodiff", "return self * other**-1", "return other * self**-1",
        kills=("test_operation[value_over_value]", "test_operation[value_over_number]"),
        why="computes other / self for self / other",
    ),
    Mutant(
        "autodiff-rtruediv-reversed", "autodiff", "return other * self**-1", "return self * other**-1",
        kills=("test_operation[number_over_value]",),
        why="__rtruediv__ computes self / other, but 3 / x means other / self",
    ),
    Mutant(
        "autodiff-pow-slope-off-by-one", "autodiff", "k * self.data ** (k - 1)", "k * self.data**k",
        kills=("test_operation[power_int]", "test_operation[power_negative_int]", "test_operation[power_float]",
               "test_operation[power_numpy_float64]", "test_operation[power_numpy_int64]"),
        why="d/dx x**k written as k x**k",
    ),
    Mutant(
        "autodiff-pow-only-python-numbers", "autodiff", "if isinstance(exponent, Value):",
        "if not isinstance(exponent, (int, float)):",
        kills=("test_operation[power_numpy_int64]", "test_operation_with_numpy_scalar[power_numpy_float32]"),
        why="accepts only Python numbers as exponents; np.int64 and np.float32 are neither",
    ),
    Mutant(
        "autodiff-tanh-slope-of-input", "autodiff", "self.grad += (1 - t * t) * out.grad",
        "self.grad += (1 - self.data**2) * out.grad",
        kills=("test_operation[tanh]",),
        why="tanh' = 1 - tanh(x)**2 written as 1 - x**2",
    ),
    Mutant(
        "autodiff-exp-slope-of-input", "autodiff", "self.grad += out.data * out.grad",
        "self.grad += self.data * out.grad",
        kills=("test_operation[exp]",),
        why="uses x instead of exp(x) as the slope of exp",
    ),
    Mutant(
        "autodiff-relu-slope-at-zero", "autodiff", RELU_RULE, RELU_RULE.replace("> 0", ">= 0"),
        kills=("test_relu_grad_at_zero_is_zero",),
        why="relu'(0) = 1; the contract says 0",
    ),
    Mutant(
        "autodiff-relu-forgets-upstream", "autodiff", RELU_RULE, RELU_RULE.replace(" * out.grad", ""),
        kills=("test_operation[relu_of_positive]",),
        why="passes relu's slope back without multiplying by out.grad",
    ),
    Mutant(
        "autodiff-relu-leaky", "autodiff", "max(self.data, 0.0)",
        "self.data if self.data > 0 else 0.01 * self.data",
        kills=("test_operation[relu_of_negative]",),
        why="a leaky relu: negative inputs are scaled, not zeroed",
    ),
    Mutant(
        "autodiff-neg-cuts-the-graph", "autodiff", "return self * -1", "return Value(-self.data)",
        kills=("test_operation[negation]", "test_operation[value_minus_value]"),
        why="-x as a brand-new Value: the gradient never flows back to x",
    ),
    Mutant(
        "autodiff-no-radd", "autodiff", "def __radd__(self, other):", "def radd(self, other):",
        kills=("test_operation[number_plus_value]",),
        why="no __radd__, so 3 + x raises TypeError",
    ),
    Mutant(
        "autodiff-grad-starts-at-1", "autodiff", "self.grad = 0.0", "self.grad = 1.0",
        kills=("test_fresh_values_have_zero_grad",),
        why="every Value starts with grad 1, as if it were the output",
    ),
    Mutant(
        "autodiff-backward-forward-order", "autodiff", "for node in reversed(order):", "for node in order:",
        kills=("test_operation[value_plus_value]", "test_chain_of_10000_operations"),
        why="runs the rules from the leaves up, before any gradient has arrived",
    ),
    Mutant(
        "autodiff-recursive-topological-sort", "autodiff", TOPO, RECURSIVE_TOPO,
        kills=("test_chain_of_10000_operations",),
        why="a recursive depth-first sort: right, but deep graphs exceed Python's recursion limit",
    ),
    Mutant(
        "autodiff-topological-sort-without-visited", "autodiff", TOPO, RECURSIVE_TOPO_WITHOUT_SEEN,
        kills=("test_shared_node[diamond]", "test_forty_stacked_diamonds") + RANDOM_GRAPHS,
        why="visits a node once per path: shared nodes run their rule twice, and diamonds blow up",
    ),
    Mutant(
        "autodiff-breadth-first-order", "autodiff", TOPO, BREADTH_FIRST,
        kills=("test_shared_node[diamond]", "test_backward_from_an_inner_node") + RANDOM_GRAPHS,
        why="a breadth-first order is not topological: a node may pass its grad on before all of it has arrived",
    ),
    Mutant(
        "autodiff-mul-converts-only-python-numbers", "autodiff",
        "other = other if isinstance(other, Value) else Value(other)\n        out = Value(self.data * other.data",
        "other = Value(other) if isinstance(other, (int, float)) else other\n        out = Value(self.data * other.data",
        kills=("test_numpy_scalars_that_are_not_python_numbers",),
        why="wraps only int and float: np.float32(2) * v and v * np.int64(2) stay bare NumPy numbers",
    ),
    Mutant(
        "autodiff-div-by-numpy-int", "autodiff",
        "        other = other if isinstance(other, Value) else Value(other)  # np.int64(2)**-1 would raise\n", "",
        kills=("test_numpy_scalars_that_are_not_python_numbers",),
        why="self * other**-1 with other a NumPy integer: np.int64(2) ** -1 raises ValueError",
    ),
    Mutant(
        "autodiff-pow-slope-over-x", "autodiff", "self.grad += k * self.data ** (k - 1) * out.grad",
        "self.grad += k * out.data / self.data * out.grad",
        kills=("test_relu_grad_at_zero_is_zero",),
        why="writes k x**(k-1) as k * out / x, which divides by zero at x = 0",
    ),
]
