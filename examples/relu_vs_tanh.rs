//! ReLU and tanh side by side: values and gradients. tanh saturates (its gradient vanishes for
//! large |x|, slowing deep networks); ReLU passes gradient 1 for any positive input and 0 below.
//!
//! cargo run --release --example relu_vs_tanh

use rlab::agents::nn::Activation;
use tch::{Kind, Tensor};

fn main() {
    let xs = [-4.0f32, -2.0, -0.5, 0.0, 0.5, 2.0, 4.0];
    println!("{:>6}  {:>8} {:>8}   {:>8} {:>8}", "x", "relu", "relu'", "tanh", "tanh'");
    for x in xs {
        let mut out = Vec::new();
        for act in [Activation::Relu, Activation::Tanh] {
            let t = Tensor::from_slice(&[x]).set_requires_grad(true);
            let y = act.apply(&t).sum(Kind::Float);
            y.backward();
            out.push((y.double_value(&[]), t.grad().double_value(&[0])));
        }
        println!("{x:>6.1}  {:>8.4} {:>8.4}   {:>8.4} {:>8.4}", out[0].0, out[0].1, out[1].0, out[1].1);
    }
    // Gradient through a stack of 10 layers of the same activation (weights 1): the product of
    // the derivatives. tanh'(x) < 1 everywhere but 0, so it shrinks; ReLU keeps it at 1.
    for act in [Activation::Relu, Activation::Tanh] {
        let x = Tensor::from_slice(&[0.8f32]).set_requires_grad(true);
        let mut h = x.shallow_clone();
        for _ in 0..10 {
            h = act.apply(&h) + 0.5;
        }
        h.sum(Kind::Float).backward();
        println!("10 layers of {act:?} + 0.5: d out / d x = {:.6}", x.grad().double_value(&[0]));
    }
}
