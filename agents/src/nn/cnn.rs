//! Convolution blocks (conv 3×3 → ReLU → 2×2 max-pool) for image observations [C, H, W].

use tch::{nn, Tensor};

#[derive(Debug)]
pub struct Cnn {
    convs: Vec<nn::Conv2D>,
    in_shape: [i64; 3],
    out_dim: i64,
}

/// Each block keeps the spatial size through the convolution (padding 1) and halves it, rounding
/// up, through the max-pool (`ceil_mode` keeps the last row/column of odd-sized grids).
/// Layers are named `conv0`, `conv1`, … under `p`.
pub fn cnn(p: nn::Path, in_shape: [i64; 3], channels: &[i64]) -> Cnn {
    let mut convs = Vec::new();
    let [mut c, mut h, mut w] = in_shape;
    for (k, &out) in channels.iter().enumerate() {
        // libtorch's default (Kaiming-uniform) init: tch's orthogonal init flattens 4-D conv weights.
        let config = nn::ConvConfig { padding: 1, bs_init: nn::Init::Const(0.0), ..Default::default() };
        convs.push(nn::conv2d(&p / format!("conv{k}"), c, out, 3, config));
        c = out;
        h = (h + 1) / 2;
        w = (w + 1) / 2;
    }
    Cnn { convs, in_shape, out_dim: c * h * w }
}

impl Cnn {
    /// Flattened feature size after all blocks.
    pub fn out_dim(&self) -> i64 {
        self.out_dim
    }
}

impl nn::Module for Cnn {
    /// Takes flat observations [B, C·H·W] (how rollouts store them) and returns [B, out_dim].
    fn forward(&self, x: &Tensor) -> Tensor {
        let [c, h, w] = self.in_shape;
        let mut y = x.view([-1, c, h, w]);
        for conv in &self.convs {
            y = y.apply(conv).relu().max_pool2d([2, 2], [2, 2], [0, 0], [1, 1], true);
        }
        y.flatten(1, -1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::{nn::Module, Device, Kind};

    #[test]
    fn odd_grids_keep_their_edges_through_pooling() {
        let vs = nn::VarStore::new(Device::Cpu);
        let net = cnn(vs.root(), [4, 7, 7], &[8, 16]);
        // 7 → 4 → 2
        assert_eq!(net.out_dim(), 16 * 2 * 2);
        let y = net.forward(&Tensor::ones([3, 4 * 7 * 7], (Kind::Float, Device::Cpu)));
        assert_eq!(y.size(), vec![3, 64]);
    }

    #[test]
    fn max_pool_takes_the_largest_value_of_each_window() {
        let x = Tensor::from_slice(&[1.0f32, 5.0, 2.0, 0.0, 3.0, 4.0, 9.0, 1.0, 7.0]).view([1, 1, 3, 3]);
        let y = x.max_pool2d([2, 2], [2, 2], [0, 0], [1, 1], true);
        assert_eq!(Vec::<f32>::try_from(y.flatten(0, -1)).unwrap(), vec![5.0, 4.0, 9.0, 7.0]);
    }
}
