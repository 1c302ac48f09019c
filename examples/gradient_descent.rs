//! Gradient descent on a logistic regression with four points, printing ŷ (the predicted
//! probabilities) every epoch: watch them move towards the labels as the loss falls.
//!
//! cargo run --release --example gradient_descent

use rlab::supervised::{OptimConfig, OptimKind, Optimizer};
use tch::{nn, nn::Module, Device, Tensor};

fn main() {
    let x = Tensor::from_slice(&[0.0f32, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0]).view([4, 2]);
    let y = Tensor::from_slice(&[0.0f32, 0.0, 0.0, 1.0]); // AND
    let vs = nn::VarStore::new(Device::Cpu);
    let init = nn::LinearConfig { ws_init: nn::Init::Const(0.0), bs_init: Some(nn::Init::Const(0.0)), bias: true };
    let layer = nn::linear(vs.root() / "fc", 2, 1, init);
    let mut opt = Optimizer::new("model", &vs, &OptimConfig { name: OptimKind::Sgd, lr: 2.0, ..Default::default() });
    println!("x = (0,0) (1,0) (0,1) (1,1), y = AND = 0 0 0 1; plain gradient descent, lr 2.0");
    println!("{:>5}  {:>8}  ŷ", "epoch", "loss");
    for epoch in 0..=30 {
        let logits = layer.forward(&x).squeeze_dim(1);
        let loss = logits.binary_cross_entropy_with_logits::<Tensor>(&y, None, None, tch::Reduction::Mean);
        if epoch % 3 == 0 {
            let yhat: Vec<f32> = Vec::try_from(logits.sigmoid().detach()).unwrap();
            let shown: Vec<String> = yhat.iter().map(|p| format!("{p:.3}")).collect();
            println!("{epoch:>5}  {:>8.4}  [{}]", loss.double_value(&[]), shown.join(", "));
        }
        opt.backward_step(&loss);
    }
    let w: Vec<f32> = Vec::try_from(layer.ws.flatten(0, -1).detach()).unwrap();
    println!("weights {:?}, bias {:.3}: the boundary w·x + b = 0 separates (1,1) from the rest", w, layer.bs.as_ref().unwrap().double_value(&[0]));
}
