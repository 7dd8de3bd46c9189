//! The golden samples of the demo file: each with its revisions, their reference values,
//! the photos to draw and when they are approved.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::{CharacteristicId, GoldenSampleId, PartId};
use crate::service::golden_samples::{
    Approval, NewGoldenSample, NewRevision, ReferenceValue, References,
};

/// A golden sample with its revisions, oldest first.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoldenSample {
    pub id: GoldenSampleId,
    pub part_id: PartId,
    pub code: String,
    pub storage_location: String,
    pub noted_by: String,
    pub condition: String,
    /// What its photos show.
    pub drawing: Drawing,
    pub revisions: Vec<Revision>,
}

impl GoldenSample {
    /// The registration the golden-sample service takes (it checks the fields itself).
    pub fn input(&self) -> NewGoldenSample {
        NewGoldenSample {
            id: Some(self.id),
            part_id: self.part_id,
            code: self.code.clone(),
            storage_location: self.storage_location.clone(),
            noted_by: self.noted_by.clone(),
            condition: self.condition.clone(),
        }
    }
}

/// The part drawn on a golden sample's photos.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Drawing {
    PlasticClip,
    Pcb,
    Product,
}

/// A revision of a golden sample: opened, measured, photographed, approved.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    #[serde(default)]
    pub description: String,
    pub revalidation_due: NaiveDate,
    pub measured_by: String,
    pub references: Vec<Reference>,
    pub photos: Vec<Photo>,
    pub approver: String,
    pub comment: Option<String>,
    /// When it is approved while loading.
    pub approve: Approve,
}

impl Revision {
    /// The draft to open.
    pub fn opening(&self) -> NewRevision {
        NewRevision {
            description: self.description.clone(),
            revalidation_due: self.revalidation_due,
        }
    }

    /// Its reference measurements.
    pub fn references(&self) -> References {
        References {
            measured_by: self.measured_by.clone(),
            measurements: self
                .references
                .iter()
                .map(|r| ReferenceValue {
                    characteristic_id: r.characteristic_id,
                    value: r.value,
                })
                .collect(),
        }
    }

    /// Its approval.
    pub fn approval(&self) -> Approval {
        Approval {
            approver: self.approver.clone(),
            comment: self.comment.clone(),
        }
    }
}

/// When a demo revision is approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approve {
    /// Before the lots, so their inspections are judged against it.
    BeforeLots,
    /// Once the lots are in: it supersedes the one they were judged against.
    AfterLots,
}

/// A reference value measured on the golden sample.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub characteristic_id: CharacteristicId,
    pub value: f64,
}

/// A photo of a revision, drawn by code from its view.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Photo {
    pub view: View,
}

/// The views the demo photos can be drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    Front,
    Back,
    Top,
    Bottom,
    Side,
    Detail,
}

impl View {
    /// The view as stored with the photo.
    pub fn as_str(self) -> &'static str {
        match self {
            View::Front => "front",
            View::Back => "back",
            View::Top => "top",
            View::Bottom => "bottom",
            View::Side => "side",
            View::Detail => "detail",
        }
    }
}
